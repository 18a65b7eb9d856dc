#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/irqchip.h>
#include <axdevice/plic.h>
#include <axdevice/uart.h>
#include <axvm/error.h>
}

#include "axdevice/tests/plic_host_recorder.h"
#include "core/base/tests/malloc_allocator.h"

namespace
{

constexpr uint64_t kBase = 0x0c000000;
constexpr uint32_t kSources = 40; /* two bitmap words, the second one partly valid */
constexpr uint32_t kContexts = 4;
/* The whole window of the spec, as a devicetree's reg may give it: every offset is reachable. */
constexpr uint64_t kWindow = 0x4000000;

constexpr uint64_t Priority(uint32_t source)
{
	return 4ull * source;
}

constexpr uint64_t PendingWord(uint32_t word)
{
	return 0x1000 + 4ull * word;
}

constexpr uint64_t EnableWord(uint32_t context, uint32_t word)
{
	return 0x2000 + 0x80ull * context + 4ull * word;
}

constexpr uint64_t Threshold(uint32_t context)
{
	return 0x200000 + 0x1000ull * context;
}

constexpr uint64_t ClaimComplete(uint32_t context)
{
	return 0x200004 + 0x1000ull * context;
}

class PlicTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
		ASSERT_EQ(axdevice_plic_create(&mem.ops, &rec.host, kSources, kContexts, &plic),
			  AX_OK);
		ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, kBase, kWindow, plic), AX_OK);
	}

	void TearDown() override
	{
		axdevice_set_destroy(&set);
		EXPECT_EQ(mem.live, 0);
	}

	uint32_t Read(uint64_t offset)
	{
		uint64_t value = 0xdead;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + offset, 4, &value),
			  AX_OK)
		    << std::hex << offset;
		EXPECT_LE(value, 0xffffffffu);
		return static_cast<uint32_t>(value);
	}

	void Write(uint64_t offset, uint32_t value)
	{
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + offset, 4, value),
			  AX_OK)
		    << std::hex << offset;
	}

	void Enable(uint32_t context, uint32_t source, bool on = true)
	{
		uint64_t offset = EnableWord(context, source / 32);
		uint32_t bit = 1u << (source % 32);
		uint32_t word = Read(offset);
		Write(offset, on ? word | bit : word & ~bit);
	}

	void Level(uint32_t source, bool level)
	{
		ASSERT_EQ(axdevice_plic_set_level(plic, source, level), AX_OK) << source;
	}

	/* A source that rises and falls again: pending, with its line low. */
	void Pulse(uint32_t source)
	{
		Level(source, true);
		Level(source, false);
	}

	uint32_t Claim(uint32_t context)
	{
		return Read(ClaimComplete(context));
	}

	void Complete(uint32_t context, uint32_t source)
	{
		Write(ClaimComplete(context), source);
	}

	bool Pending(uint32_t source)
	{
		return (Read(PendingWord(source / 32)) >> (source % 32)) & 1;
	}

	bool Line(uint32_t context)
	{
		bool level = !rec.level(context);
		EXPECT_EQ(axdevice_plic_context_irq(plic, context, &level), AX_OK);
		EXPECT_EQ(level, rec.level(context)) << "the callbacks and the PLIC disagree";
		return level;
	}

	MallocAllocator mem;
	PlicHostRecorder rec;
	axdevice_set set;
	axdevice *plic = nullptr;
};

TEST(PlicCreate, RejectsBadArgumentsAndFailedAllocations)
{
	MallocAllocator mem;
	axdevice *dev = reinterpret_cast<axdevice *>(&mem);

	EXPECT_EQ(axdevice_plic_create(nullptr, nullptr, 1, 1, &dev), AXERR_INVALID);
	EXPECT_EQ(dev, nullptr);
	EXPECT_EQ(axdevice_plic_create(&mem.ops, nullptr, 1, 1, nullptr), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_create(&mem.ops, nullptr, 0, 1, &dev), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_create(&mem.ops, nullptr, AXDEVICE_PLIC_MAX_SOURCES + 1, 1, &dev),
		  AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_create(&mem.ops, nullptr, 1, 0, &dev), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_create(&mem.ops, nullptr, 1, AXDEVICE_PLIC_MAX_CONTEXTS + 1, &dev),
		  AXERR_INVALID);
	mem.fail_after = 0;
	EXPECT_EQ(axdevice_plic_create(&mem.ops, nullptr, 1, 1, &dev), AXERR_NO_MEMORY);
	EXPECT_EQ(dev, nullptr);
	mem.fail_after = -1;
	EXPECT_EQ(mem.live, 0);

	ASSERT_EQ(axdevice_plic_create(&mem.ops, nullptr, AXDEVICE_PLIC_MAX_SOURCES,
				       AXDEVICE_PLIC_MAX_CONTEXTS, &dev),
		  AX_OK);
	EXPECT_STREQ(dev->ops->model, "plic");
	dev->ops->destroy(dev, &mem.ops);
	EXPECT_EQ(mem.live, 0);
}

TEST(PlicSize, IsQemuVirtsWindowUpToTheSpecsEnd)
{
	EXPECT_EQ(axdevice_plic_size(1), 0x201000u);
	EXPECT_EQ(axdevice_plic_size(2), 0x202000u);
	EXPECT_EQ(axdevice_plic_size(8), 0x208000u);
	EXPECT_EQ(axdevice_plic_size(AXDEVICE_PLIC_MAX_CONTEXTS), 0x4000000u);
	EXPECT_EQ(axdevice_plic_size(AXDEVICE_PLIC_MAX_CONTEXTS + 1), 0x4000000u);
	EXPECT_EQ(axdevice_plic_size(UINT32_MAX), 0x4000000u);
}

TEST_F(PlicTest, StartsQuiet)
{
	for (uint32_t s = 0; s <= kSources; s++)
		EXPECT_EQ(Read(Priority(s)), 0u) << s;
	for (uint32_t c = 0; c < kContexts; c++) {
		EXPECT_EQ(Read(EnableWord(c, 0)), 0u);
		EXPECT_EQ(Read(Threshold(c)), 0u);
		EXPECT_EQ(Claim(c), 0u);
		EXPECT_FALSE(Line(c));
	}
	EXPECT_EQ(Read(PendingWord(0)), 0u);
	EXPECT_TRUE(rec.calls.empty());
}

TEST_F(PlicTest, PrioritiesAndThresholdsAreWarlThreeBits)
{
	Write(Priority(1), 0xffffffff);
	EXPECT_EQ(Read(Priority(1)), AXDEVICE_PLIC_MAX_PRIORITY);
	EXPECT_EQ(AXDEVICE_PLIC_MAX_PRIORITY, 7u);
	Write(Priority(2), 0x1d);
	EXPECT_EQ(Read(Priority(2)), 5u);
	Write(Priority(kSources), 8);
	EXPECT_EQ(Read(Priority(kSources)), 0u);
	Write(Threshold(3), 0xfffffff9);
	EXPECT_EQ(Read(Threshold(3)), 1u);

	/* Source 0 and sources past the last one have no priority. */
	Write(Priority(0), 7);
	EXPECT_EQ(Read(Priority(0)), 0u);
	Write(Priority(kSources + 1), 7);
	EXPECT_EQ(Read(Priority(kSources + 1)), 0u);
	Write(Priority(1023), 7);
	EXPECT_EQ(Read(Priority(1023)), 0u);
}

TEST_F(PlicTest, EnableBitsExistOnlyForRealSources)
{
	Write(EnableWord(1, 0), 0xffffffff);
	EXPECT_EQ(Read(EnableWord(1, 0)), 0xfffffffeu) << "source 0 is hardwired off";
	Write(EnableWord(1, 1), 0xffffffff);
	EXPECT_EQ(Read(EnableWord(1, 1)), 0x1ffu) << "sources 32..40";
	Write(EnableWord(1, 2), 0xffffffff);
	EXPECT_EQ(Read(EnableWord(1, 2)), 0u);
	Write(EnableWord(1, 31), 0xffffffff);
	EXPECT_EQ(Read(EnableWord(1, 31)), 0u);
	EXPECT_EQ(Read(EnableWord(0, 0)), 0u) << "other contexts keep theirs";
	EXPECT_EQ(Read(EnableWord(2, 0)), 0u);
}

TEST_F(PlicTest, PendingBitsAreReadOnly)
{
	Pulse(3);
	Pulse(33);
	EXPECT_EQ(Read(PendingWord(0)), 1u << 3);
	EXPECT_EQ(Read(PendingWord(1)), 1u << 1);
	Write(PendingWord(0), 0);
	Write(PendingWord(1), 0xffffffff);
	Write(PendingWord(2), 0xffffffff);
	EXPECT_EQ(Read(PendingWord(0)), 1u << 3);
	EXPECT_EQ(Read(PendingWord(1)), 1u << 1);
	EXPECT_EQ(Read(PendingWord(2)), 0u);
	EXPECT_EQ(Read(PendingWord(31)), 0u);
}

TEST_F(PlicTest, HighestPriorityWinsAndTiesGoToTheLowestId)
{
	const std::pair<uint32_t, uint32_t> priorities[] = {
	    {3, 2}, {7, 5}, {5, 5}, {35, 6}, {9, 1}};
	for (auto [source, priority] : priorities) {
		Write(Priority(source), priority);
		Enable(1, source);
		Pulse(source);
	}
	EXPECT_TRUE(Line(1));
	EXPECT_EQ(Claim(1), 35u);
	EXPECT_EQ(Claim(1), 5u);
	EXPECT_EQ(Claim(1), 7u);
	EXPECT_EQ(Claim(1), 3u);
	EXPECT_TRUE(Line(1));
	EXPECT_EQ(Claim(1), 9u);
	EXPECT_FALSE(Line(1));
	EXPECT_EQ(Claim(1), 0u);
	EXPECT_EQ(Read(PendingWord(0)), 0u) << "claims clear the pending bits";
	EXPECT_EQ(Read(PendingWord(1)), 0u);
}

TEST_F(PlicTest, ThresholdMasksNotificationsAndClaims)
{
	Write(Priority(4), 3);
	Enable(0, 4);
	Write(Threshold(0), 3);
	Pulse(4);
	EXPECT_FALSE(Line(0)) << "priority 3 is not above threshold 3";
	EXPECT_EQ(Claim(0), 0u);
	EXPECT_TRUE(Pending(4)) << "a masked claim leaves the source pending";
	Write(Threshold(0), 2);
	EXPECT_TRUE(Line(0));
	Write(Threshold(0), 7);
	EXPECT_FALSE(Line(0));
	Write(Threshold(0), 0);
	EXPECT_TRUE(Line(0));
	EXPECT_EQ(Claim(0), 4u);
	EXPECT_FALSE(Line(0));
}

TEST_F(PlicTest, PriorityZeroNeverInterrupts)
{
	Enable(0, 6);
	Pulse(6);
	EXPECT_TRUE(Pending(6));
	EXPECT_FALSE(Line(0));
	EXPECT_EQ(Claim(0), 0u);
	Write(Priority(6), 1);
	EXPECT_TRUE(Line(0));
	Write(Priority(6), 0);
	EXPECT_FALSE(Line(0));
	EXPECT_TRUE(Pending(6));
}

TEST_F(PlicTest, EnablesArePerContext)
{
	Write(Priority(12), 1);
	Enable(2, 12);
	Pulse(12);
	EXPECT_FALSE(Line(0));
	EXPECT_FALSE(Line(1));
	EXPECT_TRUE(Line(2));
	EXPECT_FALSE(Line(3));
	EXPECT_EQ(Claim(0), 0u) << "not enabled for context 0";
	EXPECT_EQ(Claim(2), 12u);
	EXPECT_FALSE(Line(2));

	/* Enabled for two contexts: both are notified, the first claim takes it from both. */
	Complete(2, 12);
	Enable(3, 12);
	Pulse(12);
	EXPECT_TRUE(Line(2));
	EXPECT_TRUE(Line(3));
	EXPECT_EQ(Claim(3), 12u);
	EXPECT_FALSE(Line(2));
	EXPECT_FALSE(Line(3));
	EXPECT_EQ(Claim(2), 0u);

	/* Disabling drops the line, re-enabling raises it again. */
	Complete(3, 12);
	Pulse(12);
	Enable(2, 12, false);
	EXPECT_FALSE(Line(2));
	Enable(2, 12);
	EXPECT_TRUE(Line(2));
}

TEST_F(PlicTest, ClaimedSourceWaitsForItsCompletion)
{
	Write(Priority(2), 1);
	Enable(1, 2);
	Pulse(2);
	ASSERT_EQ(Claim(1), 2u);
	EXPECT_FALSE(Pending(2));
	Pulse(2);
	Pulse(2);
	EXPECT_FALSE(Pending(2)) << "the gateway holds new requests until completion";
	EXPECT_FALSE(Line(1));
	EXPECT_EQ(Claim(1), 0u);
	Complete(1, 2);
	EXPECT_FALSE(Pending(2)) << "the line fell before the completion";
	EXPECT_FALSE(Line(1));
	Pulse(2);
	EXPECT_TRUE(Pending(2));
	EXPECT_EQ(Claim(1), 2u);
}

TEST_F(PlicTest, LevelStillHighAtCompletionPendsAgain)
{
	Write(Priority(8), 2);
	Enable(0, 8);
	Level(8, true);
	EXPECT_TRUE(Line(0));
	ASSERT_EQ(Claim(0), 8u);
	EXPECT_FALSE(Line(0));
	Complete(0, 8);
	EXPECT_TRUE(Pending(8));
	EXPECT_TRUE(Line(0));
	ASSERT_EQ(Claim(0), 8u);
	Level(8, false);
	Complete(0, 8);
	EXPECT_FALSE(Pending(8));
	EXPECT_FALSE(Line(0));
	Level(8, true);
	EXPECT_TRUE(Pending(8)) << "a new rising level pends again";
}

TEST_F(PlicTest, FallingLevelDoesNotRetractARequest)
{
	Write(Priority(9), 1);
	Enable(0, 9);
	Level(9, true);
	Level(9, false);
	EXPECT_TRUE(Pending(9));
	EXPECT_TRUE(Line(0));
	EXPECT_EQ(Claim(0), 9u);
}

TEST_F(PlicTest, OddCompletionsAreIgnored)
{
	Write(Priority(5), 1);
	Enable(0, 5);
	Enable(1, 5);
	Level(5, true);

	/* Not claimed yet: completing does not let another request through or drop this one. */
	Complete(0, 5);
	EXPECT_TRUE(Pending(5));
	ASSERT_EQ(Claim(0), 5u);

	/* Completions that name no enabled source of the context. */
	Complete(2, 5);
	Complete(0, 0);
	Complete(0, kSources + 1);
	Complete(0, 0xffffffff);
	Complete(0, 4);
	EXPECT_FALSE(Pending(5)) << "still claimed";

	/* Any context the source is enabled for may complete it. */
	Complete(1, 5);
	EXPECT_TRUE(Pending(5));
	EXPECT_TRUE(Line(0));
	EXPECT_TRUE(Line(1));

	/* Disabled after the claim: the completion is ignored, as on hardware (Linux re-enables
	 * around its EOI). */
	ASSERT_EQ(Claim(1), 5u);
	Enable(0, 5, false);
	Enable(1, 5, false);
	Complete(1, 5);
	EXPECT_FALSE(Pending(5));
	Enable(1, 5);
	Complete(1, 5);
	EXPECT_TRUE(Pending(5));
}

TEST_F(PlicTest, OnlyAligned32BitAccesses)
{
	uint64_t value = 0;

	Write(Priority(1), 1);
	Enable(0, 1);
	Pulse(1);
	for (unsigned width : {1u, 2u, 8u}) {
		SCOPED_TRACE(width);
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + ClaimComplete(0), width,
					    &value),
			  AXERR_INVALID);
		EXPECT_EQ(value, 0u);
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + Priority(1), width, 5),
			  AXERR_INVALID);
		EXPECT_EQ(
		    axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + Priority(1), width, &value),
		    AXERR_INVALID);
	}
	EXPECT_EQ(
	    axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + ClaimComplete(0) + 2, 4, &value),
	    AXERR_INVALID);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + Priority(1) + 1, 4, 5),
		  AXERR_INVALID);
	EXPECT_EQ(plic->ops->read(plic, 0, ClaimComplete(0), 3, &value), AXERR_INVALID);
	EXPECT_EQ(plic->ops->write(plic, 0, Priority(1), 0, 5), AXERR_INVALID);
	EXPECT_EQ(Read(Priority(1)), 1u) << "rejected writes change nothing";
	EXPECT_TRUE(Pending(1)) << "rejected reads of claim claim nothing";
	EXPECT_EQ(Claim(0), 1u);
}

TEST_F(PlicTest, UnknownOffsetsReadZeroAndIgnoreWrites)
{
	Write(Priority(1), 1);
	Enable(3, 1);
	Pulse(1);
	const uint64_t offsets[] = {
	    PendingWord(32),	      /* after the pending words */
	    0x1ffc,		      /* before the enables */
	    EnableWord(kContexts, 0), /* a context the PLIC does not have */
	    EnableWord(15871, 31),    /* the last enable word of the spec */
	    0x1f2000,		      /* after every enable block */
	    Threshold(3) + 8,	      /* reserved in a context block */
	    Threshold(3) + 0xffc,     /* likewise */
	    Threshold(kContexts),     /* a context the PLIC does not have */
	    ClaimComplete(kContexts), /* likewise: reading it claims nothing */
	    ClaimComplete(15871),     /* the last context of the spec */
	    kWindow - 4,
	};
	for (uint64_t offset : offsets) {
		SCOPED_TRACE(offset);
		Write(offset, 0xffffffff);
		EXPECT_EQ(Read(offset), 0u);
	}
	/* Past the spec's map, as a larger reg would make reachable. */
	for (uint64_t offset : {kWindow, uint64_t{0x7fffffc}, ~uint64_t{3}}) {
		uint64_t value = 1;
		SCOPED_TRACE(offset);
		EXPECT_EQ(plic->ops->write(plic, 0, offset, 4, 0xffffffff), AX_OK);
		EXPECT_EQ(plic->ops->read(plic, 0, offset, 4, &value), AX_OK);
		EXPECT_EQ(value, 0u);
	}
	EXPECT_TRUE(Pending(1));
	EXPECT_EQ(Read(Threshold(3)), 0u);
	EXPECT_EQ(Claim(3), 1u);
}

TEST_F(PlicTest, ReportsContextLinesOnlyWhenTheyChange)
{
	using Calls = std::vector<std::pair<uint32_t, bool>>;

	Write(Priority(1), 1);
	Write(Priority(2), 1);
	Enable(1, 1);
	Enable(1, 2);
	EXPECT_TRUE(rec.calls.empty());
	Pulse(1);
	Pulse(2);
	Level(1, true);
	Write(Threshold(3), 7); /* another context */
	EXPECT_EQ(rec.calls, (Calls{{1, true}}));
	EXPECT_EQ(Claim(1), 1u); /* source 2 keeps the line high */
	Write(Priority(1), 2);
	Write(Threshold(1), 0);
	EXPECT_EQ(rec.calls, (Calls{{1, true}}));
	EXPECT_EQ(Claim(1), 2u);
	EXPECT_EQ(rec.calls, (Calls{{1, true}, {1, false}}));
	EXPECT_EQ(Claim(1), 0u);
	Complete(1, 2); /* source 2's line is low: nothing pends */
	Write(Threshold(1), 5);
	EXPECT_EQ(rec.calls, (Calls{{1, true}, {1, false}}));
	Complete(1, 1); /* source 1's line is still high: pends, but at threshold 5 */
	EXPECT_EQ(rec.calls, (Calls{{1, true}, {1, false}}));
	Write(Threshold(1), 1);
	EXPECT_EQ(rec.calls, (Calls{{1, true}, {1, false}, {1, true}}));
	Enable(0, 1);
	EXPECT_EQ(rec.calls, (Calls{{1, true}, {1, false}, {1, true}, {0, true}}));
}

TEST_F(PlicTest, HostSideCallsRejectWhatThePlicDoesNotHave)
{
	bool level = true;
	axdevice *uart = nullptr;

	EXPECT_EQ(axdevice_plic_set_level(plic, 0, true), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_set_level(plic, kSources + 1, true), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_set_level(plic, UINT32_MAX, true), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_set_level(nullptr, 1, true), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_set_level(plic, kSources, true), AX_OK);
	EXPECT_EQ(axdevice_plic_context_irq(plic, kContexts, &level), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_context_irq(plic, UINT32_MAX, &level), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_context_irq(plic, 0, nullptr), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_context_irq(nullptr, 0, &level), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_context_irq(plic, kContexts - 1, &level), AX_OK);
	EXPECT_FALSE(level);

	ASSERT_EQ(axdevice_ns16550_create(&mem.ops, nullptr, 1, 0, &uart), AX_OK);
	EXPECT_EQ(axdevice_plic_set_level(uart, 1, true), AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_context_irq(uart, 0, &level), AXERR_INVALID);
	axdevice_irqchip_input(uart, 1, true); /* not an interrupt controller: dropped */
	uart->ops->destroy(uart, &mem.ops);

	axdevice_irqchip_input(plic, 0, true); /* lines the PLIC lacks: dropped */
	axdevice_irqchip_input(plic, kSources + 1, true);
	axdevice_irqchip_input(plic, AXDEVICE_IRQ_NONE, true);
	EXPECT_EQ(Read(PendingWord(0)), 0u);
	EXPECT_EQ(Read(PendingWord(1)), 1u << (kSources % 32));
}

TEST(PlicNoHost, WorksWithoutCallbacks)
{
	MallocAllocator mem;
	axdevice *dev = nullptr;
	uint64_t value = 0;
	bool level = false;

	ASSERT_EQ(axdevice_plic_create(&mem.ops, nullptr, 1, 1, &dev), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, Priority(1), 4, 1), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, EnableWord(0, 0), 4, 2), AX_OK);
	EXPECT_EQ(axdevice_plic_set_level(dev, 1, true), AX_OK);
	EXPECT_EQ(axdevice_plic_context_irq(dev, 0, &level), AX_OK);
	EXPECT_TRUE(level);
	EXPECT_EQ(dev->ops->read(dev, 0, ClaimComplete(0), 4, &value), AX_OK);
	EXPECT_EQ(value, 1u);
	dev->ops->destroy(dev, &mem.ops);
	EXPECT_EQ(mem.live, 0);
}

/* A plain model of the PLIC's rules, to check the device against over random operations. */
struct Reference {
	bool level[kSources + 1] = {};
	bool pending[kSources + 1] = {};
	bool claimed[kSources + 1] = {};
	uint32_t priority[kSources + 1] = {};
	bool enabled[kContexts][kSources + 1] = {};
	uint32_t threshold[kContexts] = {};

	uint32_t Best(uint32_t c) const
	{
		uint32_t best = 0;
		for (uint32_t s = 1; s <= kSources; s++)
			if (pending[s] && enabled[c][s] && priority[s] > threshold[c] &&
			    (!best || priority[s] > priority[best]))
				best = s;
		return best;
	}

	void SetLevel(uint32_t s, bool on)
	{
		if (on && !level[s] && !pending[s] && !claimed[s])
			pending[s] = true;
		level[s] = on;
	}

	uint32_t Claim(uint32_t c)
	{
		uint32_t s = Best(c);
		if (s) {
			pending[s] = false;
			claimed[s] = true;
		}
		return s;
	}

	void Complete(uint32_t c, uint32_t s)
	{
		if (s < 1 || s > kSources || !enabled[c][s] || !claimed[s])
			return;
		claimed[s] = false;
		if (level[s])
			pending[s] = true;
	}
};

TEST_F(PlicTest, MatchesAPlainModelOverRandomOperations)
{
	Reference ref;
	std::mt19937 rng(20240611);
	auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };

	for (int step = 0; step < 20000; step++) {
		uint32_t c = pick(kContexts);
		uint32_t s = 1 + pick(kSources);
		switch (pick(6)) {
		case 0: {
			bool on = pick(2);
			Level(s, on);
			ref.SetLevel(s, on);
			break;
		}
		case 1: {
			uint32_t p = pick(16);
			Write(Priority(s), p);
			ref.priority[s] = p & 7;
			break;
		}
		case 2: {
			bool on = pick(4) != 0;
			Enable(c, s, on);
			ref.enabled[c][s] = on;
			break;
		}
		case 3: {
			uint32_t t = pick(4);
			Write(Threshold(c), t);
			ref.threshold[c] = t;
			break;
		}
		case 4:
			ASSERT_EQ(Claim(c), ref.Claim(c)) << "step " << step;
			break;
		default: {
			uint32_t id = pick(3) ? s : pick(kSources + 4);
			Complete(c, id);
			ref.Complete(c, id);
			break;
		}
		}
		for (uint32_t k = 0; k < kContexts; k++)
			ASSERT_EQ(rec.level(k), ref.Best(k) != 0)
			    << "step " << step << " context " << k;
	}
	for (uint32_t s = 1; s <= kSources; s++)
		EXPECT_EQ(Pending(s), ref.pending[s]) << s;

	/* Every callback changed its context's level. */
	std::vector<bool> last(kContexts, false);
	for (auto [context, level] : rec.calls) {
		ASSERT_LT(context, kContexts);
		EXPECT_NE(level, last[context]);
		last[context] = level;
	}
	EXPECT_GT(rec.calls.size(), 100u) << "the operations should move the lines";
}

TEST(PlicLayout, NumbersContextsAsQemuVirtOrSModeOnly)
{
	uint32_t context = 0, hart = 0;
	axdevice_plic_mode mode = AXDEVICE_PLIC_M_MODE;

	EXPECT_EQ(axdevice_plic_layout_contexts(AXDEVICE_PLIC_LAYOUT_M_S, 4), 8u);
	EXPECT_EQ(axdevice_plic_layout_contexts(AXDEVICE_PLIC_LAYOUT_S, 4), 4u);
	EXPECT_EQ(axdevice_plic_layout_contexts(AXDEVICE_PLIC_LAYOUT_M_S, 7936), 15872u);
	EXPECT_EQ(axdevice_plic_layout_contexts(AXDEVICE_PLIC_LAYOUT_M_S, 7937), 0u);
	EXPECT_EQ(axdevice_plic_layout_contexts(AXDEVICE_PLIC_LAYOUT_S, 15873), 0u);
	EXPECT_EQ(axdevice_plic_layout_contexts(static_cast<axdevice_plic_layout>(7), 1), 0u);

	ASSERT_EQ(axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_M_S, 3, AXDEVICE_PLIC_M_MODE,
					       &context),
		  AX_OK);
	EXPECT_EQ(context, 6u);
	ASSERT_EQ(axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_M_S, 3, AXDEVICE_PLIC_S_MODE,
					       &context),
		  AX_OK);
	EXPECT_EQ(context, 7u);
	ASSERT_EQ(
	    axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_S, 3, AXDEVICE_PLIC_S_MODE, &context),
	    AX_OK);
	EXPECT_EQ(context, 3u);
	EXPECT_EQ(
	    axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_S, 3, AXDEVICE_PLIC_M_MODE, &context),
	    AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_M_S, 7936, AXDEVICE_PLIC_M_MODE,
					       &context),
		  AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_M_S, UINT32_MAX,
					       AXDEVICE_PLIC_S_MODE, &context),
		  AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_S, 0,
					       static_cast<axdevice_plic_mode>(2), &context),
		  AXERR_INVALID);
	EXPECT_EQ(
	    axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_S, 0, AXDEVICE_PLIC_S_MODE, nullptr),
	    AXERR_INVALID);

	ASSERT_EQ(axdevice_plic_layout_target(AXDEVICE_PLIC_LAYOUT_M_S, 5, &hart, &mode), AX_OK);
	EXPECT_EQ(hart, 2u);
	EXPECT_EQ(mode, AXDEVICE_PLIC_S_MODE);
	ASSERT_EQ(axdevice_plic_layout_target(AXDEVICE_PLIC_LAYOUT_M_S, 4, &hart, &mode), AX_OK);
	EXPECT_EQ(hart, 2u);
	EXPECT_EQ(mode, AXDEVICE_PLIC_M_MODE);
	ASSERT_EQ(axdevice_plic_layout_target(AXDEVICE_PLIC_LAYOUT_S, 5, &hart, &mode), AX_OK);
	EXPECT_EQ(hart, 5u);
	EXPECT_EQ(mode, AXDEVICE_PLIC_S_MODE);
	EXPECT_EQ(axdevice_plic_layout_target(AXDEVICE_PLIC_LAYOUT_S, 15872, &hart, &mode),
		  AXERR_INVALID);
	EXPECT_EQ(
	    axdevice_plic_layout_target(static_cast<axdevice_plic_layout>(7), 0, &hart, &mode),
	    AXERR_INVALID);
	EXPECT_EQ(axdevice_plic_layout_target(AXDEVICE_PLIC_LAYOUT_S, 0, nullptr, &mode),
		  AXERR_INVALID);

	/* Every context of a 3-hart M/S layout maps back to itself. */
	for (uint32_t c = 0; c < axdevice_plic_layout_contexts(AXDEVICE_PLIC_LAYOUT_M_S, 3); c++) {
		ASSERT_EQ(axdevice_plic_layout_target(AXDEVICE_PLIC_LAYOUT_M_S, c, &hart, &mode),
			  AX_OK);
		ASSERT_EQ(
		    axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_M_S, hart, mode, &context),
		    AX_OK);
		EXPECT_EQ(context, c);
	}
}

} // namespace
