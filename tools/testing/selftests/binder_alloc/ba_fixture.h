/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture every binder_alloc kselftest runs in: a binderfs device of its
 * own, and at the end the check that nothing outlives the test: no binder
 * fd left on the device, no page left on the binder shrinker's LRU beyond
 * what was there before. Includes kselftest_harness.h.
 */
#ifndef BA_FIXTURE_H
#define BA_FIXTURE_H

/* The 6.12 harness has an unused parameter: keep -Wextra for our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ba_common.h"

/*
 * What every fixture of these tests holds, sets up and checks: the device,
 * and the binder LRU's pages before the test (-1: unknown). A fixture with
 * variants (FIXTURE_VARIANT) declares BA_FIXTURE_MEMBERS and calls
 * ba_fixture_setup()/ba_fixture_teardown() as binder_alloc's do.
 */
#define BA_FIXTURE_MEMBERS	\
	struct ba_dev dev;	\
	long lru_before

static inline void ba_fixture_setup(struct __test_metadata *_metadata,
				    struct ba_dev *dev, long *lru_before)
{
	int ret = ba_dev_create(dev, _metadata->name);

	if (ret == -ENOENT || ret == -ENODEV)
		SKIP(return, "no binderfs: CONFIG_ANDROID_BINDERFS=y needed");
	ASSERT_EQ(ret, 0) TH_LOG("cannot create binder device %s", dev->name);
	*lru_before = -1;
	if (binder_debugfs_available() && binder_shrinker_available())
		*lru_before = binder_shrinker_count();
}

static inline void ba_fixture_teardown(struct __test_metadata *_metadata,
				       struct ba_dev *dev, long lru_before)
{
	long lru;

	ba_kill_children();
	/* After a failure or skip, leftovers are expected: report the cause only. */
	if (lru_before >= 0 && _metadata->exit_code == KSFT_PASS) {
		EXPECT_TRUE(ba_wait_procs_gone(dev->name, 10000))
			TH_LOG("binder fds on %s still listed in binder/stats",
			       dev->name);
		lru = ba_wait_lru_at_most(lru_before, 5000);
		EXPECT_LE(lru, lru_before)
			TH_LOG("%ld pages on the binder LRU after the test, %ld before",
			       lru, lru_before);
	}
	ba_dev_remove(dev);
}

FIXTURE(binder_alloc) {
	BA_FIXTURE_MEMBERS;
};

FIXTURE_SETUP(binder_alloc)
{
	ba_fixture_setup(_metadata, &self->dev, &self->lru_before);
}

FIXTURE_TEARDOWN(binder_alloc)
{
	ba_fixture_teardown(_metadata, &self->dev, self->lru_before);
}

/* Compare BR_ commands by name: readable, and no signedness trouble. */
#define EXPECT_CMD(seen, expected) \
	EXPECT_STREQ(binder_cmd_name(seen), binder_cmd_name(expected))

/*
 * Does this kernel show what a test reads in debugfs? A test that reads it
 * starts with: if (!ba_debugfs_present()) SKIP(return, BA_NO_DEBUGFS);
 */
static inline bool ba_debugfs_present(void)
{
	return binder_debugfs_available() && binder_shrinker_available();
}

#define BA_NO_DEBUGFS	"needs debugfs with binder and CONFIG_SHRINKER_DEBUG"

#endif /* BA_FIXTURE_H */
