/* Storage jobs and protocols; see storage.h for the model.  The object
 * store's placement and its PUTs' replica legs are object.c's.
 *
 * The protocols' message sequences (NVMe base 1.4 and NVMe-oF 1.1 for the
 * NVMe capsules; NVMe-oF's RDMA transport binding; the NVMe/TCP transport
 * binding, TP 8000; RFC 7143 for iSCSI), for a read and a write of BS
 * bytes, I the initiator and T the target:
 *
 *   nvme-rdma read   I->T SEND command capsule (64 B SQE); the SSD; T->I
 *                    RDMA WRITE of the data; T->I SEND response capsule
 *                    (16 B CQE)
 *   nvme-rdma write  BS <= in_capsule: I->T SEND capsule of 64 B + data;
 *                    else I->T SEND 64 B, then T RDMA READs the data from
 *                    I; the SSD; T->I SEND 16 B
 *   nvme-tcp read    I->T CapsuleCmd (72 B); the SSD; T->I C2HData (24 B
 *                    header + data) and CapsuleResp (24 B), written at
 *                    once
 *   nvme-tcp write   BS <= in_capsule: CapsuleCmd with the data; else
 *                    CapsuleCmd, T->I R2T (24 B), I->T H2CData (24 B +
 *                    data); the SSD; T->I CapsuleResp
 *   iscsi read       I->T SCSI Command (48 B BHS); the SSD; T->I Data-In
 *                    PDUs (48 B each, MaxRecvDataSegmentLength of data
 *                    each) and the SCSI Response (48 B), written at once
 *   iscsi write      SCSI Command with immediate data (up to
 *                    FirstBurstLength and one segment), with InitialR2T
 *                    No followed by unsolicited Data-Out PDUs up to
 *                    FirstBurstLength; for the rest T->I R2T (48 B), I->T
 *                    Data-Out PDUs; the SSD; T->I SCSI Response
 *   object put       (object-tcp over TCP, object-rdma as RoCE SENDs) I->P
 *                    the object; P writes it to its SSD and, in parallel,
 *                    sends it to each other replica R, which writes it
 *                    and answers P with a 16 B acknowledgment; when all
 *                    have, P->I 16 B acknowledgment
 *   object get       I->P 16 B request; P's SSD; P->I the object
 *   nvme-iwarp       as nvme-rdma, the RDMAP messages on the session's
 *                    TCP connection (RFC 5040-5044): a READ is T->I an
 *                    RDMA Read Request (28 B, RFC 5040 4.4), which the
 *                    initiator's RNIC answers I->T with the Read
 *                    Response (the data)
 * (P: the object's primary, placed by a hash of its name over the
 * pool's hosts, the replicas in racks distinct from it and each other.)
 * Digests add 4 B per header (header_digest) and per data segment
 * (data_digest); iSCSI pads data segments to 4 B.
 *
 * Messages travel on sessions that stay open for the run, as a real
 * initiator's do after `nvme connect` or an iSCSI login: per worker (an
 * I/O queue) and pair of hosts, one message stream each way
 * (transport_open_stream()), an RC queue pair's two send queues or a TCP
 * connection's two byte streams.  A message is posted on its stream when
 * the step before it is over and completes when delivered, behind every
 * message posted on that stream before it; a message followed at once by
 * another of the same sender (an RDMA WRITE and its response SEND) does
 * not wait: both are posted, and the SEND completes after the WRITE in
 * queue-pair order.  An RDMA READ (a target fetching a write's data)
 * goes on the target's send queue of the same queue pair, the stream
 * from the target to the initiator, as the NVMe-oF RDMA binding posts
 * it: behind the messages posted before it, and at most
 * `rdma_read_depth` outstanding (the connection's negotiated initiator
 * depth, the QP's ORD), the rest and everything behind them waiting in
 * the send queue.  iWARP's READ is posted the same way; its Read
 * Response comes back on the worker's stream the other way, which the
 * two streams' pairing (transport_pair_streams()) tells the transport. */
#include "storage/storage.h"
#include "storage/storage-int.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "host/host.h"
#include "host/server.h"
#include "sim/stats.h"
#include "sim/util.h"
#include "transport/flow.h"
#include "transport/transport.h"

const char *const storage_proto_names[STORAGE_N_PROTOS] = {
    [STORAGE_LOCAL] = "local",
    [STORAGE_NVME_RDMA] = "nvme-rdma",
    [STORAGE_NVME_TCP] = "nvme-tcp",
    [STORAGE_ISCSI] = "iscsi",
    [STORAGE_OBJECT_TCP] = "object-tcp",
    [STORAGE_OBJECT_RDMA] = "object-rdma",
    [STORAGE_NVME_IWARP] = "nvme-iwarp",
};

const char *const storage_rw_names[STORAGE_N_RW] = {
    [STORAGE_READ] = "read",
    [STORAGE_WRITE] = "write",
    [STORAGE_RANDREAD] = "randread",
    [STORAGE_RANDWRITE] = "randwrite",
    [STORAGE_RW] = "rw",
    [STORAGE_RANDRW] = "randrw",
};

const char *const storage_op_names[STORAGE_N_OPS] = {
    [STORAGE_OP_GET] = "get",
    [STORAGE_OP_PUT] = "put",
    [STORAGE_OP_MIX] = "mix",
};

/* Sizes of the protocols' units (see the top of this file). */
#define NVME_SQE_BYTES 64
#define NVME_CQE_BYTES 16
#define NVME_TCP_CH_BYTES 8          /* PDU common header. */
#define NVME_TCP_CMD_BYTES (NVME_TCP_CH_BYTES + NVME_SQE_BYTES)   /* 72 */
#define NVME_TCP_RESP_BYTES (NVME_TCP_CH_BYTES + NVME_CQE_BYTES)  /* 24 */
#define NVME_TCP_DATA_HDR_BYTES 24   /* C2HData, H2CData. */
#define NVME_TCP_R2T_BYTES 24
#define ISCSI_BHS_BYTES 48
#define DIGEST_BYTES 4               /* CRC32C. */
#define NVME_TCP_IC_BYTES 128        /* ICReq, ICResp (no digests yet). */
#define NVMF_CONNECT_DATA_BYTES 1024 /* Connect's data: host and NQNs. */
/* iSCSI login text (key=value pairs, NUL-terminated), as open-iscsi
 * sends it with typical IQNs: InitiatorName, InitiatorAlias, TargetName,
 * SessionType, AuthMethod (security stage); HeaderDigest, DataDigest and
 * the thirteen operational keys of RFC 7143 13 (operational stage); and
 * the target's answers.  dcsim's estimates of their length. */
#define ISCSI_LOGIN_SEC_REQ_BYTES 160
#define ISCSI_LOGIN_SEC_RSP_BYTES 48
#define ISCSI_LOGIN_OP_REQ_BYTES 352
#define ISCSI_LOGIN_OP_RSP_BYTES 320
/* Well-known ports: NVMe/TCP (IANA 4420), iSCSI (3260); initiators' from
 * the dynamic range, one per worker. */
#define NVME_TCP_PORT 4420
#define ISCSI_PORT 3260

static void issue(struct net *, struct sto_worker *, struct sto_io *);

/* ---- Programs. ---- */

static void
put(struct program *p, enum step_kind kind)
{
    sim_assert(p->n < MAX_STEPS);
    p->s[p->n++] = (struct step){ .kind = (uint8_t)kind };
}

static void
put_msg(struct program *p, enum carrier c, bool to_initiator, uint64_t bytes)
{
    sim_assert(p->n < MAX_STEPS);
    p->s[p->n++] = (struct step){ .kind = STEP_MSG, .carrier = (uint8_t)c,
                                  .to_initiator = to_initiator,
                                  .bytes = bytes };
    p->msgs++;
}

/* NVMe/TCP: a PDU of HDR bytes of header and DATA bytes of data. */
static uint64_t
nvme_tcp_pdu(const struct storage_spec *s, uint64_t hdr, uint64_t data)
{
    return hdr + (s->header_digest ? DIGEST_BYTES : 0) + data +
           (data && s->data_digest ? DIGEST_BYTES : 0);
}

/* iSCSI: DATA bytes as PDUs of at most max_segment, or one PDU without
 * data (RFC 7143 10.2: BHS, padding to 4 B, digests). */
static uint64_t
iscsi_pdus(const struct storage_spec *s, uint64_t data)
{
    uint64_t seg = s->max_segment_bytes;
    uint64_t n = data ? (data + seg - 1) / seg : 1;
    uint64_t per = ISCSI_BHS_BYTES + (s->header_digest ? DIGEST_BYTES : 0);
    uint64_t pad = (4 - data % 4) % 4;
    return n * per + data + pad +
           (data && s->data_digest ? n * DIGEST_BYTES : 0);
}

/* An RDMA READ: its data comes back to the stream's source. */
static bool
carrier_reads(uint8_t c)
{
    return c == CARRY_READ || c == CARRY_IWARP_READ;
}

static bool
carrier_iwarp(uint8_t c)
{
    return c == CARRY_IWARP_SEND || c == CARRY_IWARP_WRITE ||
           c == CARRY_IWARP_READ;
}

static void
program_build(const struct storage_spec *s, const struct storage_job_spec *j,
              bool write, struct program *p)
{
    uint64_t bs = j->bs;
    memset(p, 0, sizeof *p);
    put(p, STEP_SUBMIT);
    switch (j->proto) {
    case STORAGE_LOCAL:
        put(p, STEP_DEVICE);
        break;
    case STORAGE_NVME_RDMA:
    case STORAGE_NVME_IWARP: {
        /* iWARP: every RDMAP message on the session's TCP connection. */
        bool iw = j->proto == STORAGE_NVME_IWARP;
        enum carrier send = iw ? CARRY_IWARP_SEND : CARRY_SEND;
        if (!write) {
            put_msg(p, send, false, NVME_SQE_BYTES);
            put(p, STEP_TARGET);
            put(p, STEP_DEVICE);
            put_msg(p, iw ? CARRY_IWARP_WRITE : CARRY_WRITE, true, bs);
        } else if (bs <= s->in_capsule_bytes) {
            put_msg(p, send, false, NVME_SQE_BYTES + bs);
            put(p, STEP_TARGET);
            put(p, STEP_DEVICE);
        } else {
            put_msg(p, send, false, NVME_SQE_BYTES);
            put(p, STEP_TARGET);
            put_msg(p, iw ? CARRY_IWARP_READ : CARRY_READ, true, bs);
            put(p, STEP_DEVICE);
        }
        put_msg(p, send, true, NVME_CQE_BYTES);
        break;
    }
    case STORAGE_NVME_TCP: {
        uint64_t resp = nvme_tcp_pdu(s, NVME_TCP_RESP_BYTES, 0);
        if (!write) {
            put_msg(p, CARRY_TCP, false, nvme_tcp_pdu(s, NVME_TCP_CMD_BYTES, 0));
            put(p, STEP_TARGET);
            put(p, STEP_DEVICE);
            put_msg(p, CARRY_TCP, true,
                    nvme_tcp_pdu(s, NVME_TCP_DATA_HDR_BYTES, bs) + resp);
            break;
        }
        if (bs <= s->in_capsule_bytes) {
            put_msg(p, CARRY_TCP, false,
                    nvme_tcp_pdu(s, NVME_TCP_CMD_BYTES, bs));
            put(p, STEP_TARGET);
        } else {
            put_msg(p, CARRY_TCP, false, nvme_tcp_pdu(s, NVME_TCP_CMD_BYTES, 0));
            put(p, STEP_TARGET);
            put_msg(p, CARRY_TCP, true, nvme_tcp_pdu(s, NVME_TCP_R2T_BYTES, 0));
            put_msg(p, CARRY_TCP, false,
                    nvme_tcp_pdu(s, NVME_TCP_DATA_HDR_BYTES, bs));
        }
        put(p, STEP_DEVICE);
        put_msg(p, CARRY_TCP, true, resp);
        break;
    }
    case STORAGE_ISCSI: {
        uint64_t bare = iscsi_pdus(s, 0);
        if (!write) {
            put_msg(p, CARRY_TCP, false, bare);
            put(p, STEP_TARGET);
            put(p, STEP_DEVICE);
            put_msg(p, CARRY_TCP, true, iscsi_pdus(s, bs) + bare);
            break;
        }
        /* Unsolicited data (RFC 7143 13.11, 13.14): immediate data in
         * the command, and with InitialR2T No, Data-Out PDUs written
         * right behind it, together up to FirstBurstLength. */
        uint64_t first = MIN(bs, s->first_burst_bytes), imm = 0, unsol = 0;
        if (s->immediate_data)
            imm = MIN(first, s->max_segment_bytes);
        if (!s->initial_r2t)
            unsol = first - imm;
        put_msg(p, CARRY_TCP, false,
                iscsi_pdus(s, imm) + (unsol ? iscsi_pdus(s, unsol) : 0));
        put(p, STEP_TARGET);
        if (bs > imm + unsol) {
            put_msg(p, CARRY_TCP, true, bare);
            put_msg(p, CARRY_TCP, false, iscsi_pdus(s, bs - imm - unsol));
        }
        put(p, STEP_DEVICE);
        put_msg(p, CARRY_TCP, true, bare);
        break;
    }
    case STORAGE_OBJECT_TCP:
    case STORAGE_OBJECT_RDMA: {
        enum carrier c = j->proto == STORAGE_OBJECT_TCP ? CARRY_TCP
                                                        : CARRY_SEND;
        put_msg(p, c, false, write ? bs : OBJECT_SMALL_BYTES);
        put(p, STEP_TARGET);
        if (write) {
            put(p, STEP_FANOUT);
            /* Each other replica: the object out, an acknowledgment
             * back. */
            p->msgs = (uint8_t)(p->msgs + 2 * (j->replicas - 1));
        } else {
            put(p, STEP_DEVICE);
        }
        put_msg(p, c, true, write ? OBJECT_SMALL_BYTES : bs);
        break;
    }
    default:
        sim_assert(false);
    }
    put(p, STEP_COMPLETE);
    put(p, STEP_END);
    for (uint8_t k = 0; k + 1 < p->n; k++) {
        const struct step *a = &p->s[k], *b = &p->s[k + 1];
        p->s[k].nowait = a->kind == STEP_MSG && b->kind == STEP_MSG &&
                         a->to_initiator == b->to_initiator &&
                         !carrier_reads(a->carrier) &&
                         !carrier_reads(b->carrier);
    }
}

/* The messages of a session's setup (migrate.c), once its connection is
 * up (RDMA's connection manager exchange is not modelled; TCP's
 * handshake is the connection's, ENTRY_TCP_LOGIN):
 *   nvme-tcp    I->T ICReq (128 B), T->I ICResp (128 B) (TP 8000 3.6.2),
 *               then the Fabrics Connect command with its 1024 B of data
 *               in the capsule (NVMe-oF 1.1 3.3) and its CapsuleResp
 *   nvme-rdma,  the Connect command (a SEND of the 64 B SQE and its 1024 B
 *   nvme-iwarp  of data) and its response (a SEND of the 16 B CQE)
 *   iscsi       RFC 7143's login without authentication (AuthMethod=None,
 *               as open-iscsi negotiates it): a Login Request and Response
 *               for the security stage, then for the operational one, each
 *               a BHS and its key=value text
 *   object      nothing beyond the connections (each new one's handshake,
 *               as it is first used)
 * One session per worker: its I/O queue.  The admin queue an NVMe-oF
 * host connects first, and the commands that enable and identify the
 * controller on it, are not modelled. */
static void
program_login_build(const struct storage_spec *s,
                    const struct storage_job_spec *j, struct program *p)
{
    memset(p, 0, sizeof *p);
    switch (j->proto) {
    case STORAGE_NVME_TCP:
        put_msg(p, CARRY_TCP, false, NVME_TCP_IC_BYTES);
        put_msg(p, CARRY_TCP, true, NVME_TCP_IC_BYTES);
        put_msg(p, CARRY_TCP, false,
                nvme_tcp_pdu(s, NVME_TCP_CMD_BYTES, NVMF_CONNECT_DATA_BYTES));
        put_msg(p, CARRY_TCP, true, nvme_tcp_pdu(s, NVME_TCP_RESP_BYTES, 0));
        break;
    case STORAGE_NVME_RDMA:
    case STORAGE_NVME_IWARP: {
        enum carrier send = j->proto == STORAGE_NVME_IWARP ? CARRY_IWARP_SEND
                                                           : CARRY_SEND;
        put_msg(p, send, false, NVME_SQE_BYTES + NVMF_CONNECT_DATA_BYTES);
        put_msg(p, send, true, NVME_CQE_BYTES);
        break;
    }
    case STORAGE_ISCSI:
        put_msg(p, CARRY_TCP, false, iscsi_pdus(s, ISCSI_LOGIN_SEC_REQ_BYTES));
        put_msg(p, CARRY_TCP, true, iscsi_pdus(s, ISCSI_LOGIN_SEC_RSP_BYTES));
        put_msg(p, CARRY_TCP, false, iscsi_pdus(s, ISCSI_LOGIN_OP_REQ_BYTES));
        put_msg(p, CARRY_TCP, true, iscsi_pdus(s, ISCSI_LOGIN_OP_RSP_BYTES));
        break;
    default:
        break;
    }
}

/* ---- Sizing. ---- */

/* Models beyond this many flow records are refused (a flow record is
 * about 170 bytes). */
#define STORAGE_MAX_FLOWS (UINT32_C(1) << 24)

/* The most messages of one of J's I/Os. */
static uint32_t
program_msgs_max(const struct storage_spec *s, const struct storage_job_spec *j)
{
    uint32_t msgs = 0;
    for (int op = 0; op < 2; op++) {
        struct program p;
        program_build(s, j, op, &p);
        msgs = MAX(msgs, p.msgs);
    }
    return msgs;
}

/* The most I/Os job J of S can issue. */
static double
job_ios_max(const struct storage_spec *s, const struct storage_job_spec *j)
{
    if (j->count)
        return (double)j->count * j->numjobs;
    /* Closed loop: an I/O is issued when one completes, and the SSD
     * completes at most its ceiling (plus a unit's worth at the start);
     * a rate limit bounds it too. */
    double dur_s = (double)j->duration_ps / (double)PS_PER_S;
    double ceil = MAX(nvme_ceiling_iops(&s->device, false, j->bs),
                      nvme_ceiling_iops(&s->device, true, j->bs));
    double ios = (ceil * dur_s + s->device.units + 1) * s->devices;
    if (j->rate_iops)
        ios = MIN(ios, ((double)j->rate_iops * dur_s + 1) * j->numjobs);
    return ios + (double)j->iodepth * j->numjobs;
}

double
storage_job_bytes(const struct storage_spec *s, size_t i,
                  size_t alloc_overhead)
{
    const struct storage_job_spec *j = &s->jobs[i];
    double io = sizeof(struct sto_io);
    if (j->n_pool)
        io += (double)j->replicas * sizeof(struct sto_leg) + alloc_overhead;
    double worker = sizeof(struct sto_worker) + alloc_overhead +
                    (double)j->iodepth * io;
    return sizeof(struct sto_job) + (double)j->numjobs * worker +
           job_ios_max(s, j) * sizeof(double);
}

bool
storage_flow_cap(const struct storage_spec *s, const char *file,
                 const uint32_t *moved, size_t n_moved, uint32_t *cap,
                 char **err)
{
    double total = 0;
    for (size_t i = 0; i < s->n_jobs; i++) {
        const struct storage_job_spec *j = &s->jobs[i];
        double ios = job_ios_max(s, j);
        /* Messages go on streams, no more than the messages and than
         * two per worker and pair of hosts it talks over (an object
         * job's: client and primary, primary and replica). */
        double msgs = program_msgs_max(s, j);
        double pairs = j->n_pool ? (double)j->n_pool * (double)j->n_pool : 1;
        total += MIN(ceil(ios) * msgs, 2 * pairs * j->numjobs);
        /* Each move of its initiator: a new session per worker (both
         * directions, to each host of an object pool). */
        for (size_t m = 0; m < n_moved; m++)
            if (moved[m] == j->initiator && j->proto != STORAGE_LOCAL)
                total += 2.0 * (j->n_pool ? (double)j->n_pool : 1) *
                         j->numjobs;
        if (total > STORAGE_MAX_FLOWS) {
            *err = xasprintf("%s:%u:%u: storage.jobs.%zu: the jobs up to "
                             "this one would need up to %.0f message flows "
                             "(streams and RDMA READs), more than the "
                             "%" PRIu32 " this model keeps; "
                             "expected fewer I/Os (a smaller count or a "
                             "shorter duration)",
                             file, j->loc.line, j->loc.col, i, total,
                             STORAGE_MAX_FLOWS);
            return false;
        }
    }
    *cap = (uint32_t)total;
    return true;
}

/* What storage's messages ask of the transports.  Storage sessions are
 * connected before the job (`nvme connect`, an iSCSI login) and have
 * carried I/O before it: their TCP connections start established
 * (no handshake) with the window a warmed-up connection has (the
 * receive buffer's worth of segments), not slow start, and the RTO of a
 * connection with RTT samples. */
static void
entries_fill(struct storage *st, const struct net *net,
             const struct tcp_spec *tcp, struct edge_entry *out)
{
    st->tcp = *tcp;
    uint64_t mss = edge_of_const(net)->cfg.mtu_bytes - 40;
    st->tcp.init_cwnd = (uint32_t)MAX(tcp->init_cwnd,
                                      MIN(tcp->rcv_buf_bytes / mss,
                                          UINT32_C(1) << 20));
    /* And the RTO a connection with RTT samples has in a datacenter:
     * its floor, not RFC 6298's 1 s before the first sample. */
    st->tcp.init_rto_ps = MIN(tcp->init_rto_ps, tcp->min_rto_ps);
    st->tcp.handshake = false;
    out[ENTRY_RDMA_STREAM] = (struct edge_entry){
        .verb = RDMA_VERB_SEND, .stream = true,
        .rd_max = st->spec->rdma_read_depth };
    out[ENTRY_TCP_STREAM] = (struct edge_entry){ .tcp = &st->tcp,
                                                 .stream = true };
    /* iWARP's ORD, as RoCE's (MPA's enhanced connection setup negotiates
     * IRD and ORD, RFC 6581). */
    out[ENTRY_IWARP_STREAM] = out[ENTRY_TCP_STREAM];
    out[ENTRY_IWARP_STREAM].rd_max = st->spec->rdma_read_depth;
    /* A session a moved VM's destination opens (migrate.c): a new
     * connection, its three-way handshake first, from the scenario's TCP
     * parameters as they are. */
    st->tcp_login = *tcp;
    st->tcp_login.handshake = true;
    out[ENTRY_TCP_LOGIN] = out[ENTRY_TCP_STREAM];
    out[ENTRY_TCP_LOGIN].tcp = &st->tcp_login;
    out[ENTRY_IWARP_LOGIN] = out[ENTRY_IWARP_STREAM];
    out[ENTRY_IWARP_LOGIN].tcp = &st->tcp_login;
}

/* ---- Running. ---- */

/* The core that runs WORKER's software on host H: one of its app
 * cores, or in a host whose endpoints are VMs (server.vm) a vCPU of the
 * worker's VM; NULL without a server. */
static struct core *
core_of(struct net *net, uint32_t h, uint32_t worker)
{
    struct server *srv = edge_of(net)->hosts[h].srv;
    if (!srv)
        return NULL;
    if (srv->n_vms) {
        const struct vm *vm = &srv->vms[worker % srv->n_vms];
        return vm->vcpu[worker % vm->n_vcpus];
    }
    const struct server_spec *s = srv->spec;
    return &srv->cores[s->app_cores[worker % s->n_app_cores]];
}

static void
cpu_done(struct net *net, struct cpu_work *w)
{
    sto_advance(net, w->obj);
}

static void
device_done(struct net *net, struct nvme_cmd *c)
{
    sto_advance(net, CONTAINER_OF(c, struct sto_io, cmd));
}

static const struct transport_class *
carrier_transport(const struct net *net, enum carrier c)
{
    if (c == CARRY_TCP)
        return &transport_tcp;
    if (carrier_iwarp(c))
        return &transport_iwarp;
    return edge_of_const(net)->cfg.infiniband ? &transport_ib
                                              : &transport_roce;
}

static uint16_t
target_port(enum storage_proto proto)
{
    return proto == STORAGE_ISCSI          ? ISCSI_PORT
           : proto == STORAGE_NVME_TCP ||
                   proto == STORAGE_NVME_RDMA ||
                   proto == STORAGE_NVME_IWARP ? NVME_TCP_PORT
                                              : OBJECT_PORT;
}

/* Flow F (its id set): BYTES by CARRIER from host SRC (port SPORT) to
 * DST (DPORT) in job J's class. */
void
sto_flow_fill(const struct net *net, const struct storage *st,
              const struct storage_job_spec *j, uint32_t src, uint16_t sport,
              uint32_t dst, uint16_t dport, enum carrier carrier,
              uint64_t bytes, struct flow *f)
{
    f->src = src;
    f->dst = dst;
    f->sport = sport;
    f->dport = dport;
    f->size_bytes = bytes;
    f->tc = j->tc;
    f->transport = carrier_transport(net, carrier);
    f->entry = (uint16_t)(st->first_entry +
                          (carrier == CARRY_TCP       ? ENTRY_TCP_STREAM
                           : carrier_iwarp(carrier) ? ENTRY_IWARP_STREAM
                                                    : ENTRY_RDMA_STREAM));
}

/* Message STEP of worker W's I/O to or from TARGET, from or to the
 * server its initiator runs on.  After a vm_move (migrate.c) its sessions
 * are that server's own traffic, and a new session's connection opens
 * with TCP's handshake, from the initiator. */
void
sto_flow_fill_step(const struct net *net, const struct storage *st,
                   const struct sto_worker *w, uint32_t target,
                   const struct step *step, struct flow *f)
{
    const struct storage_job_spec *j = w->job->spec;
    uint16_t iport = (uint16_t)(INITIATOR_PORT0 + w->index % 16384);
    uint16_t tport = target_port(j->proto);
    if (step->to_initiator)
        sto_flow_fill(net, st, j, target, tport, w->host, iport,
                      step->carrier, step->bytes, f);
    else
        sto_flow_fill(net, st, j, w->host, iport, target, tport,
                      step->carrier, step->bytes, f);
    if (UNLIKELY(w->own)) {
        f->control = true;
        if (w->handshake && !step->to_initiator &&
            (step->carrier == CARRY_TCP || carrier_iwarp(step->carrier)))
            f->entry = (uint16_t)(st->first_entry +
                                  (step->carrier == CARRY_TCP
                                       ? ENTRY_TCP_LOGIN
                                       : ENTRY_IWARP_LOGIN));
    }
}

/* A new flow record, to be filled. */
static struct flow *
flow_new(struct net *net, struct storage *st)
{
    struct edge *edge = edge_of(net);
    sim_assert(st->next_flow < st->end_flow);
    uint32_t id = st->next_flow++;
    struct flow *f = &edge->flows[id];
    memset(f, 0, sizeof *f);
    f->id = id;
    f->start_ps = net->sim.now_ps;
    return f;
}

static uint64_t
stream_hash(uint32_t w, uint32_t src, uint32_t dst)
{
    return rng_mix64(((uint64_t)w << 32) ^ ((uint64_t)src << 16) ^ dst);
}

/* The slot of worker W's stream from SRC to DST, or the empty one where
 * it would go. */
static struct sto_stream *
stream_slot(struct storage *st, uint32_t w, uint32_t src, uint32_t dst)
{
    for (uint64_t k = stream_hash(w, src, dst);; k++) {
        struct sto_stream *e = &st->streams[k & (st->cap_streams - 1)];
        if (e->id == UINT32_MAX ||
            (e->w == w && e->src == src && e->dst == dst))
            return e;
    }
}

/* Worker W's stream from SRC to DST: found, or made from TEMPLATE (its
 * ends, ports, class and carrier filled) and opened, and paired with
 * the worker's stream the other way if there is one (the connection's
 * other direction, which iWARP's Read Responses take). */
static struct flow *
stream_get(struct net *net, struct storage *st, uint32_t w,
           const struct flow *template)
{
    if (2 * (st->n_streams + 1) > st->cap_streams) {
        /* Grow the table (twice the size) and put every stream back. */
        struct sto_stream *old = st->streams;
        uint32_t n = st->cap_streams;
        st->cap_streams = n ? 2 * n : 64;
        st->streams = xmalloc(st->cap_streams * sizeof *st->streams);
        for (uint32_t i = 0; i < st->cap_streams; i++)
            st->streams[i].id = UINT32_MAX;
        for (uint32_t i = 0; i < n; i++)
            if (old[i].id != UINT32_MAX)
                *stream_slot(st, old[i].w, old[i].src, old[i].dst) = old[i];
        free(old);
    }
    struct edge *edge = edge_of(net);
    uint32_t src = template->src, dst = template->dst;
    struct sto_stream *e = stream_slot(st, w, src, dst);
    if (e->id != UINT32_MAX)
        return &edge->flows[e->id];
    struct flow *f = flow_new(net, st);
    uint32_t id = f->id;
    *f = *template;
    f->id = id;
    f->start_ps = net->sim.now_ps;
    f->size_bytes = 0;
    /* In the worker's VM and on its vCPU at both ends, where core_of()
     * runs its software. */
    f->affinity = w + 1;
    *e = (struct sto_stream){ .w = w, .src = src, .dst = dst, .id = id };
    st->n_streams++;
    transport_open_stream(net, id);
    const struct sto_stream *r = stream_slot(st, w, dst, src);
    if (r->id != UINT32_MAX && edge->flows[r->id].transport == f->transport)
        transport_pair_streams(net, f, &edge->flows[r->id]);
    return f;
}

/* Sends message TEMPLATE by CARRIER (its ends, size and class filled by
 * sto_flow_fill()) for IO's LEG (-1: its own step), posted on the worker's
 * stream between its ends (an RDMA READ on its requester's, the data's
 * destination), tagged for storage_msg_done() unless NOWAIT. */
void
sto_msg_send(struct net *net, struct storage *st, struct sto_io *io, int leg,
             const struct flow *template, enum carrier carrier, bool nowait)
{
    struct sto_worker *w = io->w;
    uint64_t tag = nowait ? TAG_NOWAIT
                          : (uint64_t)w->index << 32 |
                                (uint64_t)(io - w->ios) << 8 |
                                (uint64_t)(leg + 1);
    sto_post(net, st, w, tag, template, carrier);
}

/* Posts message TEMPLATE by CARRIER on worker W's stream between its
 * ends, tagged TAG. */
void
sto_post(struct net *net, struct storage *st, struct sto_worker *w,
         uint64_t tag, const struct flow *template, enum carrier carrier)
{
    st->msgs++;
    st->msg_bytes += template->size_bytes;
    struct flow *f = stream_get(net, st, w->index, template);
    transport_post(net, f, template->size_bytes,
                   carrier == CARRY_WRITE || carrier == CARRY_IWARP_WRITE
                       ? RDMA_VERB_WRITE
                   : carrier_reads(carrier) ? RDMA_VERB_READ
                                            : RDMA_VERB_SEND,
                   tag);
}

/* IO's message STEP; true if the I/O goes on at once (STEP's nowait). */
static bool
send_msg(struct net *net, struct storage *st, struct sto_io *io,
         const struct step *step)
{
    struct flow f = { 0 };
    sto_flow_fill_step(net, st, io->w, io->target, step, &f);
    sto_msg_send(net, st, io, -1, &f, step->carrier, step->nowait);
    return step->nowait;
}

/* Host H's SSD for its next command: a host's SSDs are striped (RAID 0
 * with a stripe unit of at least the block size), so its commands,
 * whatever their job, go to one SSD after another. */
struct nvme_dev *
sto_host_dev(struct storage *st, uint32_t h)
{
    struct sto_host *sh = &st->hosts[h];
    struct nvme_dev *d = &sh->dev[sh->next_dev];
    sh->next_dev = (sh->next_dev + 1) % st->spec->devices;
    return d;
}

/* The host's first command as a target (an SPDK target polls from it). */
static void
target_busy(struct storage *st, uint32_t h, uint64_t now)
{
    if (!st->hosts[h].used) {
        st->hosts[h].used = true;
        st->hosts[h].first_ps = now;
    }
}

/* Runs the target's software for one command on host H's worker core;
 * false without a server (nothing to run). */
bool
sto_target_work(struct net *net, struct storage *st, uint32_t h,
                uint32_t worker, bool rdma, cpu_done_fn *done, void *obj)
{
    target_busy(st, h, net->sim.now_ps);
    struct core *c = core_of(net, h, worker);
    if (!c)
        return false;
    bool spdk = st->spec->target == STORAGE_TARGET_SPDK;
    /* RDMA's receive completion interrupts a kernel target; TCP's
     * interrupts are the stack's. */
    if (!spdk && rdma)
        core_run(net, c, ACT_IRQ, server_ps(c->srv, c->srv->spec->cost.irq),
                 NULL, NULL, NULL);
    core_run(net, c, ACT_STACK,
             server_ps(c->srv, spdk ? st->spec->cost.spdk_io
                                    : st->spec->cost.kernel_io),
             done, obj, NULL);
    return true;
}

/* The I/O is over: its figures, and the worker's next. */
static void
io_end(struct net *net, struct sto_io *io)
{
    struct storage *st = io->w->st;
    struct sto_job *job = io->w->job;
    const struct storage_job_spec *j = job->spec;
    struct storage_job_stats *s = &job->st;
    uint64_t now = net->sim.now_ps;
    stats_append(&s->lat_ps, &s->completed, &s->lat_cap,
                 (double)(now - io->issued_ps));
    for (int k = 0; k < STORAGE_N_STAGES; k++)
        s->stage_ps[k] += io->stage_ps[k];
    s->bytes += j->bs;
    s->last_ps = now;
    st->hosts[j->initiator].ios_init++;
    if (j->proto != STORAGE_LOCAL) {
        st->hosts[io->target].ios_target++;
        st->hosts[io->target].last_ps = now;
    }
    io->w->inflight--;
    issue(net, io->w, io);
    if (UNLIKELY(io->w->moving))
        migrate_io_ended(net, io->w);
}

/* Runs the I/O's steps until one has to wait. */
void
sto_advance(struct net *net, struct sto_io *io)
{
    struct sto_worker *w = io->w;
    struct storage *st = w->st;
    const struct storage_job_spec *j = w->job->spec;
    const struct storage_costs *cost = &st->spec->cost;
    const struct program *p = &w->job->prog[io->write];
    /* The step that just ended: its time. */
    static const uint8_t stage_of[] = {
        [STEP_SUBMIT] = STORAGE_STAGE_SUBMIT,
        [STEP_TARGET] = STORAGE_STAGE_TARGET,
        [STEP_DEVICE] = STORAGE_STAGE_DEVICE,
        [STEP_MSG] = STORAGE_STAGE_FABRIC,
        [STEP_FANOUT] = STORAGE_STAGE_REPLICAS,
        [STEP_COMPLETE] = STORAGE_STAGE_COMPLETE,
    };
    uint64_t now = net->sim.now_ps;
    if (io->step)
        io->stage_ps[stage_of[p->s[io->step - 1].kind]] += now - io->step_ps;
    io->step_ps = now;
    for (;;) {
        const struct step *step = &p->s[io->step++];
        uint32_t dev_host = j->proto == STORAGE_LOCAL ? j->initiator
                                                      : io->target;
        struct core *c;
        switch (step->kind) {
        case STEP_SUBMIT:
        case STEP_COMPLETE:
            c = core_of(net, w->host, w->index);
            if (!c)
                continue;
            core_run(net, c, ACT_APP,
                     server_ps(c->srv, step->kind == STEP_SUBMIT
                                           ? cost->initiator_submit
                                           : cost->initiator_complete),
                     cpu_done, io, NULL);
            return;
        case STEP_TARGET:
            if (sto_target_work(net, st, io->target, w->index,
                                j->proto == STORAGE_NVME_RDMA ||
                                    j->proto == STORAGE_NVME_IWARP ||
                                    j->proto == STORAGE_OBJECT_RDMA,
                                cpu_done, io))
                return;
            continue;
        case STEP_FANOUT:
            io->legs_left = j->replicas;
            for (uint32_t k = 0; k < j->replicas; k++) {
                io->legs[k].stage = 0;
                object_leg_advance(net, &io->legs[k]);
            }
            return;
        case STEP_DEVICE:
            io->cmd.write = io->write;
            io->cmd.bytes = j->bs;
            io->cmd.done = device_done;
            nvme_submit(net, sto_host_dev(st, dev_host), &io->cmd);
            return;
        case STEP_MSG:
            if (send_msg(net, st, io, step))
                continue;
            return;
        case STEP_END:
            io_end(net, io);
            return;
        default:
            sim_assert(false);
        }
    }
}

static void
issue_later(struct sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    struct sto_io *io = obj;
    issue(net_of(s), io->w, io);
}

/* Worker W issues IO, if its count, duration and rate let it. */
static void
issue(struct net *net, struct sto_worker *w, struct sto_io *io)
{
    struct sto_job *job = w->job;
    const struct storage_job_spec *j = job->spec;
    uint64_t now = net->sim.now_ps;
    if (j->count && w->issued >= j->count)
        return;
    if (j->duration_ps && now >= j->start_ps + j->duration_ps)
        return;
    if (j->rate_iops) {
        if (now < w->next_ok_ps) {
            sim_call(&net->sim, w->next_ok_ps, issue_later, io, 0);
            return;
        }
        w->next_ok_ps = now + PS_PER_S / j->rate_iops;
    }
    switch (j->rw) {
    case STORAGE_READ:
    case STORAGE_RANDREAD:
        io->write = false;
        break;
    case STORAGE_WRITE:
    case STORAGE_RANDWRITE:
        io->write = true;
        break;
    default:
        io->write = !(rng_uniform(&job->rng) < j->read_fraction);
    }
    if (!job->st.issued++)
        job->st.first_ps = now;
    if (io->write)
        job->st.writes++;
    else
        job->st.reads++;
    io->target = j->target;
    if (io->legs) {
        object_place(j, (size_t)(job - w->st->jobs),
                     j->objects ? object_name_draw(job) : job->st.issued - 1,
                     io->legs);
        io->target = io->legs[0].host;
    }
    w->issued++;
    io->step = 0;
    io->issued_ps = now;
    memset(io->stage_ps, 0, sizeof io->stage_ps);
    if (UNLIKELY(w->moving)) {
        migrate_hold(w, io);
        return;
    }
    w->inflight++;
    sto_advance(net, io);
}

static void
worker_start(struct sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    struct sto_worker *w = obj;
    for (uint32_t i = 0; i < w->job->spec->iodepth; i++)
        issue(net_of(s), w, &w->ios[i]);
}

int
storage_create(struct storage **out, struct net *net,
               const struct storage_spec *spec, const char *file,
               uint32_t first_flow, uint32_t cap, const struct tcp_spec *tcp,
               struct edge_entry *entries, uint16_t first_entry, char **err)
{
    struct storage *st = xcalloc(1, sizeof *st);
    *out = st;
    st->spec = spec;
    entries_fill(st, net, tcp, entries);
    st->first_flow = st->next_flow = first_flow;
    st->end_flow = first_flow + cap;
    st->first_entry = first_entry;
    st->hosts = xcalloc(net->n_hosts ? net->n_hosts : 1, sizeof *st->hosts);
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        st->hosts[h].dev = xcalloc(spec->devices, sizeof *st->hosts[h].dev);
        for (uint32_t d = 0; d < spec->devices; d++)
            nvme_init(&st->hosts[h].dev[d], &spec->device);
    }
    st->jobs = xcalloc(spec->n_jobs ? spec->n_jobs : 1, sizeof *st->jobs);
    for (size_t i = 0; i < spec->n_jobs; i++) {
        const struct storage_job_spec *j = &spec->jobs[i];
        struct sto_job *job = &st->jobs[i];
        job->spec = j;
        program_build(spec, j, false, &job->prog[0]);
        program_build(spec, j, true, &job->prog[1]);
        program_login_build(spec, j, &job->login);
        rng_init(&job->rng, edge_of(net)->cfg.seed,
                 rng_stream_id("storage/job") ^ i);
        rng_init(&job->names, edge_of(net)->cfg.seed,
                 rng_stream_id("storage/names") ^ i);
        if (j->zipf)
            object_zipf_init(job, j->objects, j->zipf);
        st->n_workers += j->numjobs;
        /* Every carrier a job uses must be able to carry its messages
         * here (the transports' own checks, on a message of the job). */
        for (int op = 0; op < 2; op++) {
            const struct program *p = &job->prog[op];
            for (uint8_t k = 0; k < p->n; k++) {
                if (p->s[k].kind != STEP_MSG)
                    continue;
                struct flow f = { .id = first_flow };
                struct sto_worker tmp = { .job = job, .host = j->initiator };
                uint32_t t = j->n_pool ? j->pool[0] : j->target;
                sto_flow_fill_step(net, st, &tmp, t, &p->s[k], &f);
                if (f.transport->check && f.transport->check(net, &f, err))
                    return 2;
            }
        }
    }
    st->workers = xcalloc(st->n_workers ? st->n_workers : 1,
                          sizeof *st->workers);
    uint32_t k = 0;
    for (size_t i = 0; i < spec->n_jobs; i++) {
        const struct storage_job_spec *j = &spec->jobs[i];
        for (uint32_t n = 0; n < j->numjobs; n++, k++) {
            struct sto_worker *w = &st->workers[k];
            w->st = st;
            w->job = &st->jobs[i];
            w->index = k;
            w->host = j->initiator;
            w->ios = xcalloc(j->iodepth, sizeof *w->ios);
            for (uint32_t d = 0; d < j->iodepth; d++) {
                struct sto_io *io = &w->ios[d];
                io->w = w;
                if (!j->n_pool)
                    continue;
                io->legs = xcalloc(j->replicas, sizeof *io->legs);
                for (uint32_t r = 0; r < j->replicas; r++)
                    io->legs[r].io = io;
            }
            sim_call(&net->sim, j->start_ps, worker_start, w, 0);
        }
    }
    return 0;
}

void
storage_destroy(struct storage *st, struct net *net)
{
    if (!st)
        return;
    struct edge *edge = edge_of(net);
    for (uint32_t id = st->first_flow; id < st->next_flow; id++) {
        struct flow *f = &edge->flows[id];
        if (f->transport->teardown && f->tp)
            f->transport->teardown(net, f);
    }
    for (uint32_t k = 0; k < st->n_workers; k++) {
        const struct sto_worker *w = &st->workers[k];
        for (uint32_t d = 0; w->ios && d < w->job->spec->iodepth; d++)
            free(w->ios[d].legs);
        free(w->ios);
        free(w->held);
    }
    for (size_t i = 0; i < st->spec->n_jobs; i++)
        free(st->jobs[i].st.lat_ps);
    free(st->workers);
    free(st->jobs);
    for (uint32_t h = 0; h < net->n_hosts; h++)
        free(st->hosts[h].dev);
    free(st->hosts);
    free(st->streams);
    free(st);
}

void
storage_flow_range(const struct storage *st, uint32_t *first, uint32_t *end)
{
    *first = st->first_flow;
    *end = st->next_flow;
}

bool
storage_owns_flow(const struct storage *st, const struct flow *f)
{
    return st && f->id >= st->first_flow && f->id < st->end_flow;
}

void
storage_msg_done(struct storage *st, struct net *net, struct flow *f,
                 uint64_t tag)
{
    (void)f;
    if (tag == TAG_NOWAIT)
        return;
    struct sto_worker *w = &st->workers[tag >> 32];
    if ((tag & 0xff) == LEG_LOGIN + 1) {
        migrate_login_next(net, w);
        return;
    }
    struct sto_io *io = &w->ios[(tag >> 8) & ((UINT64_C(1) << TAG_SLOT_BITS) - 1)];
    int leg = (int)(tag & 0xff) - 1;
    if (leg < 0)
        sto_advance(net, io);
    else
        object_leg_advance(net, &io->legs[leg]);
}

size_t
storage_n_jobs(const struct storage *st)
{
    return st->spec->n_jobs;
}

const struct storage_job_spec *
storage_job(const struct storage *st, size_t i)
{
    return st->jobs[i].spec;
}

const struct storage_job_stats *
storage_job_stats(const struct storage *st, size_t i)
{
    return &st->jobs[i].st;
}

uint64_t
storage_messages(const struct storage *st)
{
    return st->msgs;
}

uint64_t
storage_message_bytes(const struct storage *st)
{
    return st->msg_bytes;
}

uint64_t
storage_cpu_ps(const struct storage *st, const struct net *net, uint32_t h,
               bool target)
{
    const struct server *srv = edge_of_const(net)->hosts[h].srv;
    if (!srv)
        return 0;
    const struct sto_host *sh = &st->hosts[h];
    bool spdk = target && st->spec->target == STORAGE_TARGET_SPDK && sh->used;
    uint64_t total = 0;
    for (uint32_t i = 0; i < srv->n_cores; i++) {
        const struct core *c = &srv->cores[i];
        bool reactor = false;
        for (size_t a = 0; spdk && a < srv->spec->n_app_cores; a++)
            reactor |= srv->spec->app_cores[a] == i;
        if (reactor) {
            total += sh->last_ps - sh->first_ps;
        } else {
            uint64_t by[ACT_N];
            core_busy_at(c, net->sim.now_ps, by);
            for (int a = 0; a < ACT_N; a++)
                total += by[a];
        }
    }
    return total;
}

uint64_t
storage_host_ios(const struct storage *st, uint32_t h, bool target)
{
    return target ? st->hosts[h].ios_target : st->hosts[h].ios_init;
}
