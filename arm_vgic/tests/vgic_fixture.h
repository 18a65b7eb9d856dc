/* A vGIC under test: register accessors, a kick recorder, and a fake list-register file per vCPU
 * on which the test plays the guest (acknowledge, EOI) as the virtual CPU interface would. */
#ifndef ARM_VGIC_TESTS_VGIC_FIXTURE_H
#define ARM_VGIC_TESTS_VGIC_FIXTURE_H

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

extern "C" {
#include <arm_vgic/vgic.h>
#include <axvm/error.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace vgic_test
{

/* Distributor offsets. */
constexpr uint64_t kGicdCtlr = 0x0000;
constexpr uint64_t kGicdTyper = 0x0004;
constexpr uint64_t kGicdIidr = 0x0008;
constexpr uint64_t kGicdTyper2 = 0x000c;
constexpr uint64_t kGicdStatusr = 0x0010;
constexpr uint64_t kIgroupr = 0x0080;
constexpr uint64_t kIsenabler = 0x0100;
constexpr uint64_t kIcenabler = 0x0180;
constexpr uint64_t kIspendr = 0x0200;
constexpr uint64_t kIcpendr = 0x0280;
constexpr uint64_t kIsactiver = 0x0300;
constexpr uint64_t kIcactiver = 0x0380;
constexpr uint64_t kIpriorityr = 0x0400;
constexpr uint64_t kItargetsr = 0x0800;
constexpr uint64_t kIcfgr = 0x0c00;
constexpr uint64_t kIgrpmodr = 0x0d00;
constexpr uint64_t kNsacr = 0x0e00;
constexpr uint64_t kIrouter = 0x6000;
constexpr uint64_t kPidr2 = 0xffe8;

/* Redistributor RD_base offsets (SGI_base ones are the distributor's bank-0 offsets). */
constexpr uint64_t kGicrCtlr = 0x0000;
constexpr uint64_t kGicrIidr = 0x0004;
constexpr uint64_t kGicrTyper = 0x0008;
constexpr uint64_t kGicrStatusr = 0x0010;
constexpr uint64_t kGicrWaker = 0x0014;

/* The offset of the bit-per-interrupt register reg (kIgroupr..kIcactiver) holding intid. */
constexpr uint64_t BitReg(uint64_t reg, uint32_t intid)
{
	return reg + 4ull * (intid / 32);
}

/* ICC_SGI1R_EL1 with a target list (Aff3.Aff2.Aff1 = 0) or IRM. */
constexpr uint64_t Sgi1r(uint32_t intid, uint32_t target_list, uint32_t rs = 0)
{
	return (uint64_t)(target_list & 0xffff) | (uint64_t)(intid & 0xf) << 24 |
	       (uint64_t)(rs & 0xf) << 44;
}
constexpr uint64_t kSgi1rIrm = 1ull << 40;

inline uint64_t LrState(uint64_t lr)
{
	return vgic_lr_state(lr);
}

class VgicTest : public ::testing::Test
{
      protected:
	static constexpr uint32_t kVcpus = 4;
	static constexpr uint32_t kSpis = 64; /* INTIDs 32..95 */

	void SetUp() override
	{
		Create(kVcpus, kSpis);
	}

	void TearDown() override
	{
		vgic_destroy(g, &mem.ops);
		g = nullptr;
		EXPECT_EQ(mem.live, 0);
	}

	void Create(uint32_t vcpus, uint32_t spis)
	{
		vgic_destroy(g, &mem.ops);
		g = nullptr;
		lrs.clear();
		kicks.clear();
		ASSERT_EQ(vgic_create(&mem.ops, vcpus, spis, &host, &g), AX_OK);
		ASSERT_NE(g, nullptr);
		nr_vcpus = vcpus;
	}

	/* Every register the guest can read, and vgic_pending of every vCPU: equal snapshots mean
	 * an access changed nothing visible. */
	std::vector<uint64_t> Snapshot()
	{
		std::vector<uint64_t> s;
		for (uint64_t off = 0; off < 0x1000; off += 4)
			s.push_back(DistRead(off));
		for (uint64_t off = kIrouter; off < kIrouter + 8 * 1024; off += 8)
			s.push_back(DistRead(off, 8));
		for (uint32_t rd = 0; rd < nr_vcpus; rd++) {
			for (uint64_t off = 0; off < 0x20; off += 4)
				s.push_back(RdRead(rd, off));
			for (uint64_t off = 0; off < 0x1000; off += 4)
				s.push_back(SgiRead(rd, off));
			s.push_back(vgic_pending(g, rd));
		}
		return s;
	}

	static void Kick(void *ctx, uint32_t vcpu)
	{
		static_cast<VgicTest *>(ctx)->kicks.push_back(vcpu);
	}

	/* The kicks since the last call, and forgets them. */
	std::vector<uint32_t> TakeKicks()
	{
		std::vector<uint32_t> k = kicks;
		kicks.clear();
		return k;
	}

	uint64_t DistRead(uint64_t offset, unsigned width = 4, uint32_t vcpu = 0)
	{
		uint64_t value = 0xdeadbeefdeadbeefull;
		EXPECT_EQ(vgic_dist_read(g, vcpu, offset, width, &value), AX_OK);
		return value;
	}

	void DistWrite(uint64_t offset, uint64_t value, unsigned width = 4, uint32_t vcpu = 0)
	{
		EXPECT_EQ(vgic_dist_write(g, vcpu, offset, width, value), AX_OK);
	}

	/* An RD_base register of vCPU rd's redistributor. */
	uint64_t RdRead(uint32_t rd, uint64_t offset, unsigned width = 4)
	{
		uint64_t value = 0xdeadbeefdeadbeefull;
		EXPECT_EQ(vgic_redist_read(g, 0, rd * VGIC_REDIST_STRIDE + offset, width, &value),
			  AX_OK);
		return value;
	}

	void RdWrite(uint32_t rd, uint64_t offset, uint64_t value, unsigned width = 4)
	{
		EXPECT_EQ(vgic_redist_write(g, 0, rd * VGIC_REDIST_STRIDE + offset, width, value),
			  AX_OK);
	}

	/* An SGI_base register of vCPU rd's redistributor. */
	uint64_t SgiRead(uint32_t rd, uint64_t offset, unsigned width = 4)
	{
		return RdRead(rd, VGIC_SGI_FRAME + offset, width);
	}

	void SgiWrite(uint32_t rd, uint64_t offset, uint64_t value, unsigned width = 4)
	{
		RdWrite(rd, VGIC_SGI_FRAME + offset, value, width);
	}

	/* Enables the distributor's group 1 (and group 0 with g0). */
	void EnableDist(bool g0 = false)
	{
		DistWrite(kGicdCtlr, g0 ? 3 : 2);
	}

	/* Enables an SPI with a priority. */
	void EnableSpi(uint32_t intid, uint8_t priority = 0xa0)
	{
		DistWrite(kIpriorityr + intid, priority, 1);
		DistWrite(BitReg(kIsenabler, intid), 1u << (intid % 32));
	}

	/* Enables vCPU vcpu's SGI or PPI with a priority. */
	void EnablePrivate(uint32_t vcpu, uint32_t intid, uint8_t priority = 0xa0)
	{
		SgiWrite(vcpu, kIpriorityr + intid, priority, 1);
		SgiWrite(vcpu, kIsenabler, 1u << intid);
	}

	void RouteSpi(uint32_t intid, uint64_t route)
	{
		DistWrite(kIrouter + 8ull * intid, route, 8);
	}

	/* Flushes vcpu into its fake list registers (nr of them); returns the values. */
	std::vector<uint64_t> Flush(uint32_t vcpu, size_t nr = 4, bool *underflow = nullptr)
	{
		std::vector<uint64_t> file(nr, 0);
		bool uf = false;
		size_t n = vgic_flush(g, vcpu, file.data(), nr, &uf);
		EXPECT_LE(n, nr);
		file.resize(n);
		for (uint64_t lr : file)
			EXPECT_NE(LrState(lr), VGIC_LR_STATE_INVALID) << std::hex << lr;
		if (underflow)
			*underflow = uf;
		lrs[vcpu] = file;
		return file;
	}

	/* Gives vcpu's fake list registers back to the model. */
	void Sync(uint32_t vcpu)
	{
		std::vector<uint64_t> &file = lrs[vcpu];
		vgic_sync(g, vcpu, file.data(), file.size());
		file.clear();
	}

	/* The guest acknowledges its highest-priority pending list register (ICC_IAR1_EL1):
	 * returns the INTID, or 1023 (spurious) when none is pending. */
	uint32_t Ack(uint32_t vcpu)
	{
		std::vector<uint64_t> &file = lrs[vcpu];
		int best = -1;
		for (size_t i = 0; i < file.size(); i++) {
			if (LrState(file[i]) != VGIC_LR_STATE_PENDING)
				continue;
			if (best < 0 || vgic_lr_priority(file[i]) < vgic_lr_priority(file[best]))
				best = static_cast<int>(i);
		}
		if (best < 0)
			return 1023;
		file[best] = (file[best] & ~VGIC_LR_STATE_MASK) | VGIC_LR_STATE_ACTIVE;
		return vgic_lr_intid(file[best]);
	}

	/* The guest EOIs intid (ICC_EOIR1_EL1 with EOImode 0: drop priority and deactivate). */
	void Eoi(uint32_t vcpu, uint32_t intid)
	{
		for (uint64_t &lr : lrs[vcpu]) {
			if (vgic_lr_intid(lr) == intid && (LrState(lr) & VGIC_LR_STATE_ACTIVE)) {
				lr &= ~VGIC_LR_STATE_ACTIVE;
				return;
			}
		}
		ADD_FAILURE() << "EOI of " << intid << " not active in a list register";
	}

	/* One whole round on vcpu: flush, acknowledge everything, EOI it all, sync. Returns the
	 * INTIDs taken, in order. */
	std::vector<uint32_t> TakeAll(uint32_t vcpu, size_t nr = 4)
	{
		std::vector<uint32_t> taken;
		Flush(vcpu, nr);
		for (uint32_t intid = Ack(vcpu); intid != 1023; intid = Ack(vcpu)) {
			taken.push_back(intid);
			Eoi(vcpu, intid);
		}
		Sync(vcpu);
		return taken;
	}

	/* The INTIDs of some list-register values. */
	static std::vector<uint32_t> Intids(const std::vector<uint64_t> &file)
	{
		std::vector<uint32_t> ids;
		for (uint64_t lr : file)
			ids.push_back(vgic_lr_intid(lr));
		return ids;
	}

	MallocAllocator mem;
	std::vector<uint32_t> kicks;
	vgic_host host{this, &VgicTest::Kick};
	vgic *g = nullptr;
	uint32_t nr_vcpus = 0;
	std::map<uint32_t, std::vector<uint64_t>> lrs;
};

} // namespace vgic_test

#endif
