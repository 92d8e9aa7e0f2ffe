/* The packet capture into monitor.pcap; see capture.h. */
#define _DEFAULT_SOURCE 1     /* pcap.h uses u_char, u_int. */
#include "report/capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "fabric/observer.h"
#include "fabric/port.h"
#include "overlay/encap.h"
#include "overlay/vtep.h"
#include "pkt/pkt.h"
#include "report/monitor.h"
#include "report/results-dir.h"
#include "scenario/scenario.h"
#include "sim/util.h"
#include "world/world.h"

/* The largest frame dcsim makes: a 16-bit frame_bytes. */
#define CAPTURE_FRAME_MAX 65536

/* Native InfiniBand goes in Endace ERF records (link type DLT_ERF):
 * Wireshark reads no other link type as IB packets (it does not know
 * LINKTYPE_INFINIBAND, 247).  The 16-byte ERF header (Endace
 * "Extensible Record Format", type 21, InfiniBand): a little-endian
 * 64-bit timestamp (seconds << 32 | binary fraction), the type, flags
 * (varying length), the record length (header + bytes kept) and a loss
 * counter, both big-endian, and the packet's length on the wire. */
#define ERF_HDR_BYTES 16
#define ERF_TYPE_INFINIBAND 21
#define ERF_FLAG_VLEN 0x04

static const char capture_file[] = "monitor.pcap";

struct capture {
    struct net_observer up;
    pcap_t *pd;                 /* A dead handle: link type and snaplen. */
    pcap_dumper_t *dumper;
    FILE *f;                    /* The dumper's stream. */
    const char *dir;            /* The results directory, for messages. */
    uint64_t start_ps, stop_ps; /* The window; stop TIME_NEVER: none. */
    uint32_t snaplen;
    bool erf;                   /* Native IB: each frame in an ERF record. */
    const struct overlay *ov;   /* Tunnel packets' outer headers, or NULL. */
    uint8_t buf[ERF_HDR_BYTES + CAPTURE_FRAME_MAX];
};

/* The ERF header of a packet of LEN bytes, CAPLEN of them kept, that
 * starts at NOW_PS. */
static void
put_erf_header(uint8_t *b, uint64_t now_ps, size_t len, size_t caplen)
{
    uint64_t ns = now_ps / 1000u % 1000000000u;
    uint64_t ts = now_ps / 1000000000000u << 32 | (ns << 32) / 1000000000u;
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(ts >> (8 * i));
    b[8] = ERF_TYPE_INFINIBAND;
    b[9] = ERF_FLAG_VLEN;
    size_t rlen = ERF_HDR_BYTES + caplen;
    b[10] = (uint8_t)(rlen >> 8);
    b[11] = (uint8_t)rlen;
    b[12] = b[13] = 0;
    b[14] = (uint8_t)(len >> 8);
    b[15] = (uint8_t)len;
}

static void
capture_depart(struct net_observer *obs, struct net *net,
               const struct port *port, struct pkt *p, uint64_t ser_ps)
{
    (void)port;
    (void)ser_ps;
    struct capture *c = CONTAINER_OF(obs, struct capture, up);
    uint64_t now = net->sim.now_ps;
    /* IB link (flow-control) packets are left out: Wireshark's dissector
     * of them (infiniband_link, ERF type 25) reads past every one of
     * them as if it were a data packet and reports it malformed (4.0). */
    if (now < c->start_ps || now >= c->stop_ps || p->framing == PKT_IB_FC)
        return;
    size_t hdr = c->erf ? ERF_HDR_BYTES : 0;
    size_t len;
    if (p->vni && c->ov->encap.kind != ENCAP_VLAN) {
        /* A tunnel packet: the outer headers its VTEP wrote, then the
         * inner frame.  (A VLAN segment's tag is in the frame itself.) */
        struct encap_outer o;
        struct pkt inner;
        overlay_outer(c->ov, net, p, &o, &inner);
        sim_assert(encap_outer_hash(&c->ov->encap, &o) == p->hash0);
        len = encap_serialize(&c->ov->encap, &o, &inner, c->buf + hdr,
                              sizeof c->buf - hdr);
    } else {
        len = pkt_serialize(p, c->buf + hdr, sizeof c->buf - hdr);
    }
    size_t caplen = len < c->snaplen ? len : c->snaplen;
    if (c->erf)
        put_erf_header(c->buf, now, len, caplen);
    struct pcap_pkthdr h;
    /* With nanosecond precision the dumper writes tv_usec as
     * nanoseconds. */
    h.ts.tv_sec = (time_t)(now / 1000000000000u);
    h.ts.tv_usec = (suseconds_t)(now % 1000000000000u / 1000u);
    h.len = (bpf_u_int32)(hdr + len);
    h.caplen = (bpf_u_int32)(hdr + caplen);
    pcap_dump((u_char *)c->dumper, &h, c->buf);
}

static const struct net_observer_class capture_class = {
    .name = "pcap",
    .depart = capture_depart,
};

int
capture_attach(struct world *w, struct results_dir *rd, struct capture **out,
               char **err)
{
    const struct monitor_pcap *spec = &w->scn->monitor.pcap;
    struct net *net = world_net(w);
    *out = NULL;
    if (!spec->on)
        return 0;
    int e = 0;
    FILE *f = results_dir_create(rd, capture_file, &e);
    if (!f) {
        *err = xasprintf("cannot write %s/%s: %s", rd->dir, capture_file,
                         strerror(e));
        return e;
    }
    struct capture *c = xcalloc(1, sizeof *c);
    c->up.class = &capture_class;
    c->f = f;
    c->dir = rd->dir;
    c->start_ps = spec->start_ps;
    c->stop_ps = spec->stop_ps ? spec->stop_ps : TIME_NEVER;
    c->snaplen = spec->snaplen;
    c->erf = w->scn->fabric == FABRIC_INFINIBAND;
    c->ov = w->overlay;
    c->pd = pcap_open_dead_with_tstamp_precision(
        c->erf ? DLT_ERF : DLT_EN10MB,
        (int)c->snaplen + (c->erf ? ERF_HDR_BYTES : 0),
        PCAP_TSTAMP_PRECISION_NANO);
    if (!c->pd || !(c->dumper = pcap_dump_fopen(c->pd, f))) {
        *err = xasprintf("cannot write %s/%s: %s", rd->dir, capture_file,
                         c->pd ? pcap_geterr(c->pd) : "out of memory");
        if (c->pd)
            pcap_close(c->pd);
        fclose(f);
        free(c);
        return EIO;
    }
    size_t n;
    struct port **ports = monitor_select_ports(w, spec->select,
                                               spec->n_select, &n);
    for (size_t i = 0; i < n; i++)
        net_capture(net, ports[i], &c->up);
    free(ports);
    *out = c;
    return 0;
}

int
capture_finish(struct capture *c, char **err)
{
    if (!c || !c->dumper)
        return 0;
    /* A failed write sets errno but leaves only the stream's error flag:
     * read errno here, and let a failing flush set it afresh. */
    errno = 0;
    int e = ferror(c->f) ? (errno ? errno : EIO) : 0;
    if (pcap_dump_flush(c->dumper) && !e)
        e = errno ? errno : EIO;
    pcap_dump_close(c->dumper);   /* Closes the stream too. */
    c->dumper = NULL;
    if (e)
        *err = xasprintf("cannot write %s/%s: %s", c->dir, capture_file,
                         strerror(e));
    return e;
}

void
capture_destroy(struct capture *c)
{
    if (!c)
        return;
    if (c->dumper)
        pcap_dump_close(c->dumper);
    pcap_close(c->pd);
    free(c);
}
