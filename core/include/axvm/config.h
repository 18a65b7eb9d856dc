/* A VM's configuration, parsed from a devicetree (docs/config.md has the schema). */
#ifndef AXVM_CONFIG_H
#define AXVM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axvm/diag.h>

struct axdevice_model_list;

#define AXVM_MAX_VCPUS 16
#define AXVM_MAX_MEMORY_REGIONS 8
#define AXVM_MAX_IMAGES 4
#define AXVM_MAX_DEVICES 16
#define AXVM_MAX_PASSTHROUGH 8
#define AXVM_NAME_LEN 32

/* How a memory region is backed. */
enum axvm_mem_kind {
	AXVM_MEM_ALLOC,	     /* allocated and zeroed when the VM is created */
	AXVM_MEM_ALLOC_LAZY, /* allocated page by page on the guest's first touch */
	AXVM_MEM_LINEAR,     /* host-physical memory the host hands over (host-addr) */
};

/* What one first touch of an alloc-lazy region populates unless the config says otherwise: a
 * 2 MiB block (one stage-2 entry, one fault for 512 pages) where it fits. */
#define AXVM_LAZY_UNIT_DEFAULT 0x200000ull

struct axvm_mem_region {
	uint64_t gpa;
	uint64_t size;
	uint32_t flags; /* enum axmap_flags (axaddrspace/pt_format.h) */
	enum axvm_mem_kind kind;
	uint64_t hpa;	    /* AXVM_MEM_LINEAR only */
	uint64_t lazy_unit; /* AXVM_MEM_ALLOC_LAZY: bytes a first touch populates */
};

/* Images the host supplies by name and core copies into guest memory at load_gpa. */
enum axvm_image_kind {
	AXVM_IMAGE_KERNEL,
	AXVM_IMAGE_INITRD,
	AXVM_IMAGE_DTB,
	/* Boot parameters in a form other than a devicetree, which the host builds for a kernel
	 * that takes no devicetree (the parameter block of the kernel's own boot protocol, with
	 * its command line and firmware tables). vCPU 0 starts with its address, as with a dtb;
	 * a VM loads one or the other. */
	AXVM_IMAGE_BOOT_PARAMS,
	AXVM_IMAGE_KINDS,
};

/* The name of an image kind, as in /images ("initrd"). */
const char *axvm_image_name(enum axvm_image_kind kind);

struct axvm_image {
	enum axvm_image_kind kind;
	uint64_t load_gpa;
	uint64_t size; /* 0: the size of whatever the host supplies */
};

/* Register windows a device may have: its reg entries (a GICv3: distributor, redistributors). */
#define AXVM_DEVICE_WINDOWS 4

/* An emulated device: the node in the config blob (compatible, reg, interrupts), which
 * axdevice_set_add_from_fdt reads. */
struct axvm_device {
	int node;			/* offset in axvm_config.fdt */
	char compatible[AXVM_NAME_LEN]; /* first compatible string, for messages */
	uint64_t gpa; /* the first MMIO window (gpa and size 0, window_count 0, for a device
		       * only in the port space of an ISA bus) */
	uint64_t size;
	/* Every MMIO reg entry, each apart from memory and from every other device's
	 * windows. */
	uint32_t window_count;
	struct {
		uint64_t gpa;
		uint64_t size;
	} window[AXVM_DEVICE_WINDOWS];
};

/* A host-physical range mapped straight into the guest (a pass-through device). */
struct axvm_passthrough {
	uint64_t gpa;
	uint64_t hpa;
	uint64_t size;
};

/* What a guest's reset request (through its firmware interface) does. */
enum axvm_reset_action {
	AXVM_RESET_RESTART, /* the VM starts over: memory scrubbed, images reloaded */
	AXVM_RESET_STOP,    /* the VM stops, as on a power-off */
};

struct axvm_config {
	uint32_t id;
	char name[AXVM_NAME_LEN];
	uint32_t vcpu_count;
	/* What the guest calls each vCPU (its firmware's and interrupt controllers' CPU id); i by
	 * default. */
	uint64_t vcpu_guest_id[AXVM_MAX_VCPUS];
	/* Physical CPU each vCPU runs on; -1 where the config leaves it to the host. */
	int32_t vcpu_affinity[AXVM_MAX_VCPUS];
	uint64_t entry; /* guest-physical entry point of vCPU 0 */
	/* Where the boot tables vCPU 0 starts on lie (arch_vcpu_entry.boot_tables), written by
	 * whoever writes its boot image; 0: none, it starts with translation off. */
	uint64_t boot_tables;
	enum axvm_reset_action on_reset;
	const char *bootargs; /* /chosen bootargs for the guest's devicetree; "" for none */
	size_t memory_count;
	struct axvm_mem_region memory[AXVM_MAX_MEMORY_REGIONS];
	size_t image_count;
	struct axvm_image images[AXVM_MAX_IMAGES];
	size_t device_count;
	struct axvm_device devices[AXVM_MAX_DEVICES];
	size_t passthrough_count;
	struct axvm_passthrough passthrough[AXVM_MAX_PASSTHROUGH];
	const void *fdt; /* the blob parsed; devices refer into it */
	/* The device models the host offers beyond axdevice's own (the limits'), which the VM's
	 * devices are created from. */
	const struct axdevice_model_list *device_models;
};

/* Limits the parser checks against, from the host and the backend. */
struct axvm_config_limits {
	uint32_t max_vcpus; /* at most AXVM_MAX_VCPUS */
	uint32_t host_cpus; /* affinity values must be below this */
	uint8_t gpa_bits;   /* guest-physical addresses must fit (stage-2 format) */
	/* Device models the host offers beyond axdevice's own, such as the backend's interrupt
	 * controller (axdevice/fdt_model.h); NULL: none. */
	const struct axdevice_model_list *device_models;
	/* Device compatibles the host allows, NULL-terminated; NULL: every one a model answers
	 * to (device_models, then axdevice's own: axdevice_model_find). Others are refused. */
	const char *const *known_devices;
};

/* Checks that the devicetree blob at fdt, of which size bytes are readable, is well formed: a
 * header whose sizes fit in size, version 17 or later, and a structure block that libfdt can
 * walk safely (what axvm_config_parse checks before it reads a configuration). fdt must be
 * 8-byte aligned. Returns 0, or AXERR_INVALID with diag naming the fault. */
int axvm_fdt_check(const void *fdt, size_t size, struct ax_diag *diag);

/* Parses and checks the VM configuration blob fdt. On error returns AXERR_BAD_CONFIG (or
 * AXERR_INVALID for a blob that is not a devicetree) and names the node and property in diag:
 * missing memory, overlapping regions, a vCPU count of 0 or above the limit, an unknown device
 * compatible, an image or entry point outside memory, a malformed property.
 * fdt must be 8-byte aligned and readable for the totalsize its header gives; cfg refers into
 * it (cfg->fdt, the device nodes), so it must outlive cfg. On error cfg is all zeroes.
 * AXERR_INVALID also stands for a NULL argument or limits->gpa_bits outside 12..64. */
int axvm_config_parse(const void *fdt, const struct axvm_config_limits *limits,
		      struct axvm_config *cfg, struct ax_diag *diag);

#endif
