/* The packet capture (scenario `monitor.pcap`): every frame that starts
 * onto the link of a chosen port within a time window, written to
 * monitor.pcap (docs/output.md) byte for byte as pkt_serialize() lays it
 * out (a tunnel packet of an overlay behind the outer Ethernet, IPv4, UDP
 * and VXLAN or Geneve headers its VTEP wrote, overlay/encap.h), for
 * Wireshark or tshark.
 *
 * The file is classic pcap with nanosecond timestamps, written through
 * libpcap's dump API: link type Ethernet (DLT_EN10MB, frames without
 * their FCS) or, on an InfiniBand fabric, DLT_ERF (packets from
 * the LRH through the VCRC, each in an Endace ERF record: Wireshark reads
 * native IB from no other link type).  IB's link-level flow-control
 * packets are not captured (see capture.c).  A frame's timestamp is the simulated time
 * its first bit starts onto the link, truncated to the nanosecond.
 * Frames go to the file as they are captured (through stdio's buffer),
 * so the capture holds no more than one frame in memory however long the
 * run.
 *
 * The capture is the fabric's capture observer (fabric/observer.h): the
 * chosen ports' links carry the capture flag, and no other port pays
 * anything for it.  It only reads the model, so every other result is the
 * same with or without it. */
#ifndef DCSIM_CAPTURE_H
#define DCSIM_CAPTURE_H 1

#include <stdint.h>

struct capture;
struct results_dir;
struct world;

/* Creates monitor.pcap in RD's staging directory and starts capturing
 * the ports monitor.pcap names, or sets *OUT to NULL if the scenario has
 * no monitor.pcap.  Returns 0, or an errno value with *ERR allocated. */
int capture_attach(struct world *, struct results_dir *rd,
                   struct capture **out, char **err);

/* Flushes and closes the file (a NULL capture: nothing).  Returns 0, or
 * an errno value with *ERR allocated naming the file. */
int capture_finish(struct capture *, char **err);

void capture_destroy(struct capture *);

#endif
