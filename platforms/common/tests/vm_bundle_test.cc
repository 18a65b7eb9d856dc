#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <vector>

extern "C" {
#include <axvm/error.h>
#include <board/vm_bundle.h>
#include <libfdt.h>
}

namespace
{

std::vector<char> Read()
{
	std::ifstream in("platforms/common/tests/bundles.dtb", std::ios::binary);
	EXPECT_TRUE(in.good());
	return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

TEST(VmBundle, ListsVmsWithConfigAndImages)
{
	std::vector<char> blob = Read();
	vm_bundle_vm vms[VM_BUNDLE_MAX_VMS];
	size_t count = 0;
	ax_diag diag{};
	ASSERT_EQ(vm_bundle_parse(blob.data(), blob.size(), vms, &count, &diag), AX_OK) << diag.msg;
	ASSERT_EQ(count, 2u);
	EXPECT_STREQ(vms[0].node, "vm@0");
	EXPECT_EQ(vms[0].config_size, 6u);
	EXPECT_EQ(vms[0].images.size[AXVM_IMAGE_KERNEL], 4u);
	EXPECT_EQ(vms[0].images.size[AXVM_IMAGE_DTB], 2u);
	EXPECT_EQ(vms[0].images.data[AXVM_IMAGE_INITRD], nullptr);
	EXPECT_EQ(vms[1].config_size, 4u);
	EXPECT_EQ(vms[1].images.data[AXVM_IMAGE_KERNEL], nullptr);
}

/* Builds a bundle with libfdt's sequential writer: one VM node with the given properties. */
std::vector<char> Bundle(const char *compatible, std::vector<const char *> props)
{
	std::vector<char> buf(4096);
	fdt_create(buf.data(), buf.size());
	fdt_finish_reservemap(buf.data());
	fdt_begin_node(buf.data(), "");
	fdt_property_string(buf.data(), "compatible", compatible);
	fdt_begin_node(buf.data(), "vm@0");
	for (const char *p : props)
		fdt_property(buf.data(), p, "abcd", 4);
	fdt_end_node(buf.data());
	fdt_end_node(buf.data());
	fdt_finish(buf.data());
	return buf;
}

TEST(VmBundle, RejectsBadBundlesNamingWhat)
{
	vm_bundle_vm vms[VM_BUNDLE_MAX_VMS];
	size_t count = 0;
	ax_diag diag{};
	std::vector<char> garbage(128, 0x11);
	EXPECT_EQ(vm_bundle_parse(garbage.data(), garbage.size(), vms, &count, &diag),
		  AXERR_BAD_CONFIG);
	EXPECT_STREQ(diag.msg, "bundle: not a devicetree blob");
	std::vector<char> b = Bundle("axvm,bundle", {"config"});
	EXPECT_EQ(vm_bundle_parse(b.data(), 16, vms, &count, &diag), AXERR_BAD_CONFIG)
	    << "truncated";
	b = Bundle("something-else", {"config"});
	EXPECT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AXERR_BAD_CONFIG);
	EXPECT_STREQ(diag.msg, "bundle: /: compatible: not \"axvm,bundle\"");
	b = Bundle("axvm,bundle", {"kernel"});
	EXPECT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AXERR_BAD_CONFIG);
	EXPECT_STREQ(diag.msg, "bundle: /vm@0: config: missing");
	b = Bundle("axvm,bundle", {"config", "kernal"});
	EXPECT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AXERR_BAD_CONFIG);
	EXPECT_STREQ(diag.msg, "bundle: /vm@0: kernal: unknown property");
	EXPECT_EQ(count, 0u);
}

} // namespace
