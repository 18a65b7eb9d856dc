#include <gtest/gtest.h>

#include <string>

extern "C" {
#include <axvm/error.h>
#include <riscv_vcpu/guest_isa.h>
}

namespace
{

std::string GuestIsa(const char *host, bool sstc = true, size_t size = 256)
{
	char out[256];
	int err = riscv_guest_isa(host, sstc, out, size);
	return err ? "error " + std::to_string(err) : std::string(out);
}

TEST(GuestIsa, QemuVirtKeepsWhatGuestsMayUse)
{
	const char *qemu = "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc";
	EXPECT_EQ(GuestIsa(qemu), "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
	EXPECT_EQ(GuestIsa(qemu, false), "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs")
	    << "no vstimecmp for guests";
}

TEST(GuestIsa, ExtensionsThatTrapOrNeedHenvcfgAreDropped)
{
	EXPECT_EQ(GuestIsa("rv64imafdcvh_zicbom_zicboz_svpbmt_zawrs_zihpm_smaia_ssaia_svnapot_"
			   "svinval_zicntr"),
		  "rv64imafdc_svnapot_svinval_zicntr");
	EXPECT_EQ(GuestIsa("rv64imac_xtheadvendor_zfoo"), "rv64imac") << "unknown ones too";
}

TEST(GuestIsa, CaseAndEmptyPartsAreTolerated)
{
	EXPECT_EQ(GuestIsa("RV64IMAFDCH_Zicsr__Zba_"), "RV64IMAFDC_Zicsr_Zba");
}

TEST(GuestIsa, MalformedOrTooLongIsAnError)
{
	EXPECT_EQ(GuestIsa("rv32imac"), "error " + std::to_string(AXERR_INVALID));
	EXPECT_EQ(GuestIsa("rv64"), "error " + std::to_string(AXERR_INVALID));
	EXPECT_EQ(GuestIsa(""), "error " + std::to_string(AXERR_INVALID));
	EXPECT_EQ(GuestIsa(nullptr), "error " + std::to_string(AXERR_INVALID));
	EXPECT_EQ(GuestIsa("rv64imafdc_zicsr", true, 11),
		  "error " + std::to_string(AXERR_NO_MEMORY));
	EXPECT_EQ(GuestIsa("rv64imafdc_zicsr", true, 17), "rv64imafdc_zicsr") << "just fits";
}

} // namespace
