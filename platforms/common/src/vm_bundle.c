#include <board/vm_bundle.h>

#include <axvm/error.h>
#include <libfdt.h>
#include <string.h>

/* Fills vm from its node. Returns 0, or AXERR_BAD_CONFIG for a problem of this node alone,
 * explained in vm->why. */
static int parse_vm(const void *fdt, int node, struct vm_bundle_vm *vm)
{
	struct ax_diag *diag = &vm->why;
	const char *name = fdt_get_name(fdt, node, NULL);
	int len;
	int prop;

	memset(vm, 0, sizeof(*vm));
	vm->node = name;
	vm->config = fdt_getprop(fdt, node, "config", &len);
	if (!vm->config || len <= 0)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "bundle: /%s: config: missing", name);
	/* The config is checked in full once copied; its header must not claim more than is
	 * there. */
	if ((size_t)len < sizeof(struct fdt_header) || fdt_magic(vm->config) != FDT_MAGIC ||
	    fdt_totalsize(vm->config) > (uint32_t)len)
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "bundle: /%s: config: not a devicetree of its %d bytes", name,
				   len);
	vm->config_size = (size_t)len;
	for (int k = 0; k < AXVM_IMAGE_KINDS; k++) {
		const void *data =
		    fdt_getprop(fdt, node, axvm_image_name((enum axvm_image_kind)k), &len);

		if (data && len > 0) {
			vm->images.data[k] = data;
			vm->images.size[k] = (size_t)len;
		}
	}
	fdt_for_each_property_offset (prop, fdt, node) {
		const char *pname;
		bool known = false;

		fdt_getprop_by_offset(fdt, prop, &pname, NULL);
		known = pname && !strcmp(pname, "config");
		for (int k = 0; k < AXVM_IMAGE_KINDS && pname && !known; k++)
			known = !strcmp(pname, axvm_image_name((enum axvm_image_kind)k));
		if (!known)
			return ax_diag_set(diag, AXERR_BAD_CONFIG,
					   "bundle: /%s: %s: unknown property", name,
					   pname ? pname : "?");
	}
	return AX_OK;
}

int vm_bundle_parse(const void *blob, size_t size, struct vm_bundle_vm *vms, size_t *count,
		    struct ax_diag *diag)
{
	int node;

	struct ax_diag why = {.msg = ""};

	*count = 0;
	if (axvm_fdt_check(blob, size, &why) != AX_OK)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "bundle: %s", why.msg);
	if (fdt_node_check_compatible(blob, 0, "axvm,bundle") != 0)
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "bundle: /: compatible: not \"axvm,bundle\"");
	fdt_for_each_subnode (node, blob, 0) {
		if (*count == VM_BUNDLE_MAX_VMS)
			return ax_diag_set(diag, AXERR_BAD_CONFIG, "bundle: more than %d VMs",
					   VM_BUNDLE_MAX_VMS);
		vms[*count].err = parse_vm(blob, node, &vms[*count]);
		(*count)++;
	}
	if (node != -FDT_ERR_NOTFOUND)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "bundle: malformed structure");
	return AX_OK;
}
