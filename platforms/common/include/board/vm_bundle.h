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
};

/* Lists the VMs of the bundle at blob (size bytes, 8-byte aligned). The whole blob is checked
 * first (axvm_fdt_check: sizes within size, a structure libfdt can walk), and each config's
 * header must fit in its property. Returns 0, or AXERR_BAD_CONFIG with diag naming the node and
 * property (not a well-formed devicetree, wrong compatible, no config, a config whose header
 * claims more than it holds, too many VMs, an unknown property). */
int vm_bundle_parse(const void *blob, size_t size, struct vm_bundle_vm *vms, size_t *count,
		    struct ax_diag *diag);

#endif
