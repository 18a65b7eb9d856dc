#include <gtest/gtest.h>

#include <fstream>
#include <string>
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
	EXPECT_EQ(vms[0].config_size, 40u);
	EXPECT_EQ(vms[0].images.size[AXVM_IMAGE_KERNEL], 4u);
	EXPECT_EQ(vms[0].images.size[AXVM_IMAGE_DTB], 2u);
	EXPECT_EQ(vms[0].images.data[AXVM_IMAGE_INITRD], nullptr);
	EXPECT_EQ(vms[1].config_size, 44u) << "a header may claim less than is there";
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
	fdt_header config{};
	config.magic = cpu_to_fdt32(FDT_MAGIC);
	config.totalsize = cpu_to_fdt32(sizeof(config));
	for (const char *p : props) {
		if (std::string(p) == "config")
			fdt_property(buf.data(), p, &config, sizeof(config));
		else
			fdt_property(buf.data(), p, "abcd", 4);
	}
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
	EXPECT_STREQ(diag.msg, "bundle: devicetree: header: not a devicetree");
	std::vector<char> b = Bundle("axvm,bundle", {"config"});
	EXPECT_EQ(vm_bundle_parse(b.data(), 16, vms, &count, &diag), AXERR_BAD_CONFIG)
	    << "truncated";
	EXPECT_EQ(vm_bundle_parse(b.data(), fdt_totalsize(b.data()) - 1, vms, &count, &diag),
		  AXERR_BAD_CONFIG);
	EXPECT_NE(std::string(diag.msg).find("totalsize"), std::string::npos) << diag.msg;
	b = Bundle("something-else", {"config"});
	EXPECT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AXERR_BAD_CONFIG);
	EXPECT_STREQ(diag.msg, "bundle: /: compatible: not \"axvm,bundle\"");
	EXPECT_EQ(count, 0u);
}

TEST(VmBundle, AVmsOwnNodeProblemsRefuseOnlyThatVm)
{
	vm_bundle_vm vms[VM_BUNDLE_MAX_VMS];
	size_t count = 0;
	ax_diag diag{};
	std::vector<char> b = Bundle("axvm,bundle", {"kernel"});
	ASSERT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AX_OK);
	ASSERT_EQ(count, 1u);
	EXPECT_EQ(vms[0].err, AXERR_BAD_CONFIG);
	EXPECT_STREQ(vms[0].why.msg, "bundle: /vm@0: config: missing");
	b = Bundle("axvm,bundle", {"config", "kernal"});
	ASSERT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AX_OK);
	EXPECT_EQ(vms[0].err, AXERR_BAD_CONFIG);
	EXPECT_STREQ(vms[0].why.msg, "bundle: /vm@0: kernal: unknown property");
	b = Bundle("axvm,bundle", {"config", "kernel"});
	ASSERT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AX_OK);
	EXPECT_EQ(vms[0].err, AX_OK);
	EXPECT_STREQ(vms[0].why.msg, "");
}

/* A bundle whose one VM's config is a devicetree header claiming totalsize bytes, followed by
 * have - 40 bytes of it. */
std::vector<char> BundleWithConfigHeader(uint32_t totalsize, size_t have)
{
	std::vector<char> config(have, 0);
	fdt_header *h = reinterpret_cast<fdt_header *>(config.data());
	h->magic = cpu_to_fdt32(FDT_MAGIC);
	h->totalsize = cpu_to_fdt32(totalsize);
	std::vector<char> buf(8192);
	fdt_create(buf.data(), buf.size());
	fdt_finish_reservemap(buf.data());
	fdt_begin_node(buf.data(), "");
	fdt_property_string(buf.data(), "compatible", "axvm,bundle");
	fdt_begin_node(buf.data(), "vm@0");
	fdt_property(buf.data(), "config", config.data(), (int)config.size());
	fdt_end_node(buf.data());
	fdt_end_node(buf.data());
	fdt_finish(buf.data());
	return buf;
}

TEST(VmBundle, AConfigMayNotClaimMoreThanItHolds)
{
	vm_bundle_vm vms[VM_BUNDLE_MAX_VMS];
	size_t count = 0;
	ax_diag diag{};
	std::vector<char> b = BundleWithConfigHeader(0x100000, 64);
	/* Only that VM is refused: the bundle itself is sound. */
	ASSERT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AX_OK) << diag.msg;
	ASSERT_EQ(count, 1u);
	EXPECT_EQ(vms[0].err, AXERR_BAD_CONFIG);
	EXPECT_STREQ(vms[0].why.msg, "bundle: /vm@0: config: not a devicetree of its 64 bytes");
	b = BundleWithConfigHeader(64, 64);
	ASSERT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AX_OK);
	EXPECT_EQ(vms[0].err, AX_OK) << "the header fits: the rest is axvm_config_parse's to check";
	b = BundleWithConfigHeader(64, 20);
	ASSERT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AX_OK);
	EXPECT_EQ(vms[0].err, AXERR_BAD_CONFIG) << "shorter than a header";
}

TEST(VmBundle, AMalformedStructureIsRefusedBeforeItIsWalked)
{
	std::vector<char> b = Bundle("axvm,bundle", {"config"});
	/* The first node's name is no longer terminated within the block. */
	uint32_t off = fdt_off_dt_struct(b.data()) + 4;
	for (uint32_t i = 0; i < fdt_size_dt_struct(b.data()) - 4; i++)
		b[off + i] = 'x';
	vm_bundle_vm vms[VM_BUNDLE_MAX_VMS];
	size_t count = 0;
	ax_diag diag{};
	EXPECT_EQ(vm_bundle_parse(b.data(), b.size(), vms, &count, &diag), AXERR_BAD_CONFIG);
	EXPECT_NE(std::string(diag.msg).find("bundle: devicetree: structure"), std::string::npos)
	    << diag.msg;
}

} // namespace
