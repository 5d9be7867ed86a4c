# make bench: the stock 6.12 allocator against ours, side by side. One
# config (BENCH_FRAGS), two kernels: built from $(PRISTINE) and from
# $(WORK), each in its own O= directory; the workbench initramfs; then
# bench.sh boots them in turn and prints the table. See README.md.

BA_BENCH_ROUNDS ?= 2
BA_BENCH_ARGS   ?=
# debug: the same comparison with the test kernel's sanitisers and lock
# debugging (debug.config, no KUnit), in build/bench-debug-{stock,ours}
# so that the normal bench kernels are kept; logs bench-debug-*.log
BA_BENCH_CONFIG ?= normal

ifeq ($(BA_BENCH_CONFIG),normal)
BENCH_FRAGS := base clock binder bench
BA_BENCH_DIR := bench
else ifeq ($(BA_BENCH_CONFIG),debug)
BENCH_FRAGS := base clock binder debug bench
BA_BENCH_DIR := bench-debug
else
$(error BA_BENCH_CONFIG=$(BA_BENCH_CONFIG): want normal or debug)
endif
export BA_BENCH_ROUNDS BA_BENCH_ARGS BA_BENCH_CONFIG BA_BENCH_DIR

bench_tree_stock := $(PRISTINE)
bench_tree_ours  := $(WORK)

.PHONY: bench _bench-kernel-stock _bench-kernel-ours

bench: tree
	@$(MAKE) -s --no-print-directory _bench-kernel-stock
	@$(MAKE) -s --no-print-directory _bench-kernel-ours
	@$(WB)/initramfs.sh
	@$(WB)/bench.sh

# kconfig.sh configures from $WORK: point it at the tree being built.
_bench-kernel-stock _bench-kernel-ours: _bench-kernel-%:
	@echo '== x86_64 bench kernel, $* allocator ($(BENCH_FRAGS))'
	@WORK=$(bench_tree_$*) $(WB)/kconfig.sh $(BUILD)/$(BA_BENCH_DIR)-$* $(call frags,$(BENCH_FRAGS))
	@mkdir -p $(LOGS) && : > $(LOGS)/$(BA_BENCH_DIR)-$*-build.log
	@$(LOGRUN) $(LOGS)/$(BA_BENCH_DIR)-$*-build.log $(subst -C $(WORK),-C $(bench_tree_$*),$(KMAKE)) \
		O=$(BUILD)/$(BA_BENCH_DIR)-$* bzImage
