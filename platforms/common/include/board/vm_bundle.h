/* The VM bundle a host receives at boot (e.g. as QEMU's -initrd): a devicetree whose /vm@N
 * nodes carry each VM's configuration blob and images as byte properties:
 *
 *   /dts-v1/;
 *   / {
 *       compatible = "axvm,bundle";
 *       vm@0 {
 *           config = /incbin/("vm0.dtb");   (required: the VM config, docs/config.md)
 *           kernel = /incbin/("Image");     (optional, like initrd and dtb)
 *       };
 *   };
 */
#ifndef BOARD_VM_BUNDLE_H
#define BOARD_VM_BUNDLE_H

#include <stddef.h>

#include <axvm/diag.h>
#include <axvm/vm.h>

#define VM_BUNDLE_MAX_VMS 8

struct vm_bundle_vm {
	const char *node;   /* "vm@0" */
	const void *config; /* points into the bundle: only 4-byte aligned */
	size_t config_size;
	struct axvm_images images;
	/* AXERR_BAD_CONFIG when this VM's node is unusable (why says how, naming the node and
	 * property); the other VMs of the bundle are not affected. */
	int err;
	struct ax_diag why;
};

/* Lists the VMs of the bundle at blob (size bytes, 8-byte aligned). The whole blob is checked
 * first (axvm_fdt_check: sizes within size, a structure libfdt can walk). Returns 0, or
 * AXERR_BAD_CONFIG with diag saying why no VM of it can be trusted (not a well-formed
 * devicetree, wrong compatible, too many VMs). A VM whose own node is unusable (no config, a
 * config whose header claims more than its property holds, an unknown property) is listed with
 * its err and why set. */
int vm_bundle_parse(const void *blob, size_t size, struct vm_bundle_vm *vms, size_t *count,
		    struct ax_diag *diag);

#endif
