# make bench: the stock 6.12 allocator against ours, side by side. One
# config (BENCH_FRAGS), two kernels: built from $(PRISTINE) and from
# $(WORK), each in its own O= directory; the workbench initramfs; then
# bench.sh boots them in turn and prints the table. See README.md.

BA_BENCH_ROUNDS ?= 2
BA_BENCH_ARGS   ?=
export BA_BENCH_ROUNDS BA_BENCH_ARGS

BENCH_FRAGS := base clock binder bench
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
	@WORK=$(bench_tree_$*) $(WB)/kconfig.sh $(BUILD)/bench-$* $(call frags,$(BENCH_FRAGS))
	@mkdir -p $(LOGS) && : > $(LOGS)/bench-$*-build.log
	@$(LOGRUN) $(LOGS)/bench-$*-build.log $(subst -C $(WORK),-C $(bench_tree_$*),$(KMAKE)) \
		O=$(BUILD)/bench-$* bzImage
