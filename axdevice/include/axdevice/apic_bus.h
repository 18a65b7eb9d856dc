/*
 * The x86 APIC bus's destinations (Intel SDM Vol. 3A, 11.6.2 "Determining IPI Destination"):
 * which local APICs an interrupt message with a destination field reaches, for the I/O APIC's
 * redirection entries and the local APIC's ICR alike. A VM's local APICs have fixed IDs (the
 * vCPU's index) and fixed logical IDs derived from them, as x2APIC mode defines them and as
 * Linux programs them in xAPIC mode: flat, bit n for APIC ID n (n below 8); cluster, cluster
 * n / 4 with bit n % 4; x2APIC, cluster n / 16 (bits 31:16) with bit n % 16.
 */
#ifndef AXDEVICE_APIC_BUS_H
#define AXDEVICE_APIC_BUS_H

#include <stdbool.h>
#include <stdint.h>

/* How logical destinations read, by the local APICs' mode (xAPIC: DFR's model). */
enum apic_logical_model {
	APIC_LOGICAL_FLAT,    /* xAPIC, DFR model 0xf: 8 bits, one per APIC */
	APIC_LOGICAL_CLUSTER, /* xAPIC, DFR model 0x0: cluster in bits 7:4, 4 APICs each */
	APIC_LOGICAL_X2APIC,  /* x2APIC: cluster in bits 31:16, 16 APICs each */
};

/* The logical APIC ID of APIC id under model (LDR bits 31:24 for xAPIC, the whole LDR for
 * x2APIC); 0 for an APIC the model cannot name. */
uint32_t apic_logical_id(uint32_t id, enum apic_logical_model model);

/* The vCPUs (a bit per index, below apic_count, at most 64) that a message to dest reaches:
 * physical, APIC ID dest (xAPIC 0xff, x2APIC 0xffffffff: all); logical, every APIC whose
 * logical ID dest names under model (an all-ones field: all). */
uint64_t apic_dest_mask(uint32_t dest, bool logical, enum apic_logical_model model,
			uint32_t apic_count);

/* The one vCPU of mask that a lowest-priority message goes to: the lowest index (the
 * hypervisor keeps no task priorities between vCPUs for arbitration); 0 for an empty mask. */
uint64_t apic_lowest_priority(uint64_t mask);

#endif
