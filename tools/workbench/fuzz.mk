# make fuzz, make soak, and the fuzz step of make test: tools/fuzz's
# binder_alloc_fuzz, booted in ba.mode=fuzz (tools/workbench/init) on the
# x86_64 debug kernel (KASAN, lockdep, kmemleak: X86_TEST_FRAGS) with
# KUnit off. BA_FUZZ_KERNEL=stock boots the same debug configuration built
# from the pristine tree (the stock allocator; no KUnit fragment, which
# names our test), in $(BUILD)/x86-test-stock. See tools/fuzz/*.c.
#
#   make fuzz   BA_FUZZ_SEEDS seeds from BA_FUZZ_SEED (empty: from the
#               guest's clock, printed), BA_FUZZ_PROCS processes of
#               BA_FUZZ_OPS operations each; failures are shrunk and printed
#               with the command that replays them (BA_FUZZ_ARGS passes
#               more options, e.g. --replay=LIST or --no-shrink)
#   make soak   the race stress kselftest, then the fuzzer, for
#               BA_SOAK_MINUTES in all; the fuzzer's last lines give the
#               rates (operations, transactions, pages) and the leaks
# BA_FUZZ_CONFIG=normal boots make bench's kernels instead (no KASAN, no
# lockdep, no kmemleak: about 2.7 times the operations a second, for long
# runs; the payload, errno and page-count oracles still hold, a splat
# still fails it), logs x86-fuzz-KERNEL-normal.log.
# make test fuzzes for BA_FUZZ_TEST_SECONDS (seed 1) in its own x86_64
# boot, after the kselftests (tools/workbench/init, ba.fuzz_seconds=).
# Each leaves a console log for verdict.py --boot.

BA_FUZZ_SEED    ?=
# Measured under TCG with KASAN: ~20 operations a second per process with 6
# processes (2 vCPUs): a seed of 800 operations each takes ~40 s; 22 seeds
# are ~15 minutes of guest time and 105,600 operations.
BA_FUZZ_SEEDS   ?= 22
BA_FUZZ_OPS     ?= 800
BA_FUZZ_PROCS   ?= 6
BA_FUZZ_KERNEL  ?= ours
BA_FUZZ_CONFIG  ?= debug
BA_FUZZ_ARGS    ?=
BA_SOAK_MINUTES ?= 10
BA_FUZZ_TEST_SECONDS ?= 30
export BA_FUZZ_KERNEL

X86_STOCK_FRAGS := $(filter-out kunit,$(X86_TEST_FRAGS))
ifeq ($(BA_FUZZ_CONFIG),debug)
fuzz_build_ours  := $(BUILD)/x86-test
fuzz_build_stock := $(BUILD)/x86-test-stock
fuzz_name        := $(BA_FUZZ_KERNEL)
else ifeq ($(BA_FUZZ_CONFIG),normal)
fuzz_build_ours  := $(BUILD)/bench-ours
fuzz_build_stock := $(BUILD)/bench-stock
fuzz_name        := $(BA_FUZZ_KERNEL)-normal
else
$(error BA_FUZZ_CONFIG=$(BA_FUZZ_CONFIG): want debug or normal)
endif
fuzz_image = $(fuzz_build_$(1))/arch/x86/boot/bzImage
# ba.fuzz=OPTION words for init; KUnit already ran in make test's boot
fuzz_params = kunit.enable=0 $(foreach a,$(1),ba.fuzz=$(a))
fuzz_common = --procs=$(BA_FUZZ_PROCS) $(BA_FUZZ_ARGS)

soak_seconds := $(shell echo $$(( $(BA_SOAK_MINUTES) * 60 )))
# a fifth of the soak for the race stress, the rest for the fuzzer
soak_stress  := $(shell echo $$(( $(soak_seconds) / 5 )))
soak_fuzz    := $(shell echo $$(( $(soak_seconds) - $(soak_stress) )))

.PHONY: fuzz soak _fuzz-check _fuzz-kernel-ours _fuzz-kernel-stock _fuzz-debug-ours \
	_fuzz-debug-stock _fuzz-normal-ours _fuzz-normal-stock

_fuzz-check:
	@case '$(BA_FUZZ_KERNEL)' in ours|stock) ;; *) \
		echo 'BA_FUZZ_KERNEL=$(BA_FUZZ_KERNEL): want ours or stock' >&2; exit 2 ;; esac
	@for v in '$(BA_FUZZ_SEEDS)' '$(BA_FUZZ_OPS)' '$(BA_FUZZ_PROCS)' '$(BA_SOAK_MINUTES)'; do \
		case $$v in ''|*[!0-9]*) echo "make fuzz/soak: '$$v': want a number" >&2; exit 2 ;; esac; \
	done

# normal: make bench's kernels, built as make bench builds them
_fuzz-kernel-ours _fuzz-kernel-stock: _fuzz-kernel-%: _fuzz-$(BA_FUZZ_CONFIG)-%

_fuzz-normal-%:
	@$(MAKE) -s --no-print-directory BA_BENCH_CONFIG=normal _bench-kernel-$*
	@$(WB)/initramfs.sh

_fuzz-debug-ours:
	@$(MAKE) -s --no-print-directory _x86-build

# Built once; rebuilt only if the fragments change (kconfig.sh) or make
# finds the pristine tree newer, which it never is.
_fuzz-debug-stock:
	@echo '== x86_64 debug kernel, stock allocator ($(X86_STOCK_FRAGS))'
	@WORK=$(PRISTINE) $(WB)/kconfig.sh $(fuzz_build_stock) $(call frags,$(X86_STOCK_FRAGS))
	@mkdir -p $(LOGS) && : > $(LOGS)/x86-test-stock-build.log
	@$(LOGRUN) $(LOGS)/x86-test-stock-build.log $(subst -C $(WORK),-C $(PRISTINE),$(KMAKE)) \
		O=$(fuzz_build_stock) bzImage
	@$(WB)/initramfs.sh

fuzz: tree _fuzz-check
	@rm -f $(LOGS)/x86-fuzz-$(fuzz_name).log
	@-$(MAKE) -s --no-print-directory _fuzz-kernel-$(BA_FUZZ_KERNEL) && \
		BA_TIMEOUT=$$(( $(BA_FUZZ_SEEDS) * $(BA_FUZZ_OPS) / 8 + 1200 )) \
		$(WB)/boot.sh fuzz $(call fuzz_image,$(BA_FUZZ_KERNEL)) $(LOGS)/x86-fuzz-$(fuzz_name).log \
		$(call fuzz_params,--seeds=$(BA_FUZZ_SEEDS) --ops=$(BA_FUZZ_OPS) \
			$(if $(BA_FUZZ_SEED),--seed=$(BA_FUZZ_SEED)) $(fuzz_common))
	@$(VERDICT) --boot fuzz-$(fuzz_name)=$(LOGS)/x86-fuzz-$(fuzz_name).log

soak: tree _fuzz-check
	@rm -f $(LOGS)/x86-soak-$(fuzz_name).log
	@-$(MAKE) -s --no-print-directory _fuzz-kernel-$(BA_FUZZ_KERNEL) && \
		BA_TIMEOUT=$$(( $(soak_seconds) + 1200 )) \
		$(WB)/boot.sh fuzz $(call fuzz_image,$(BA_FUZZ_KERNEL)) $(LOGS)/x86-soak-$(fuzz_name).log \
		ba.stress=$(soak_stress) \
		$(call fuzz_params,--seconds=$(soak_fuzz) --seeds=1000000 --ops=$(BA_FUZZ_OPS) \
			$(if $(BA_FUZZ_SEED),--seed=$(BA_FUZZ_SEED)) $(fuzz_common))
	@grep -h '^# binder_alloc_fuzz: \|^# *binder_alloc.race_stress\|generations' \
		$(LOGS)/x86-soak-$(fuzz_name).log || true
	@$(VERDICT) --boot soak-$(fuzz_name)=$(LOGS)/x86-soak-$(fuzz_name).log
