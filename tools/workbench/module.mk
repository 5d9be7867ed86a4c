# binder_linux.ko for Debian's own 6.12 kernel: make module, make dkms,
# make module-test, make module-bench, and the _module step of make test.
# Included by GNUmakefile; the scripts are in tools/workbench/module/ and
# README.md, "Using it on Debian 12", says what a user types.
#
# KVER: Debian's kernel ABI to build for; empty: from linux-source-6.12's
# version (6.12.117-1~deb12u1 -> 6.12.117+deb12-amd64), see module/common.sh.
KVER ?=
export KVER

MODSH := $(WB)/module

.PHONY: module dkms module-test module-bench _module

# the module, against /lib/modules/$(KVER)/build or Debian's extracted headers
module: tree
	@$(MODSH)/build.sh

# for a real system: the DKMS source tree in /usr/src/binder-alloc-VERSION/
dkms:
	@$(MODSH)/dkms-install.sh

# Debian's kernel under QEMU with our module, then with Debian's; every step
# and both boots judged together
module-test: tree
	@rm -f $(LOGS)/module.log $(LOGS)/module-test-ours.log $(LOGS)/module-test-debian.log
	@-$(MODSH)/step.sh ours debian
	@$(VERDICT) --tap module=$(LOGS)/module.log \
		--boot module-ours=$(LOGS)/module-test-ours.log \
		--boot module-debian=$(LOGS)/module-test-debian.log

# binder_bench on Debian's kernel: Debian's module vs ours, alternate boots
module-bench: tree
	@$(MODSH)/bench.sh

# make test: build, dkms build, one boot with our module; make test's
# verdict reads module.log (TAP) and module-test-ours.log (the console)
_module:
	@rm -f $(LOGS)/module.log $(LOGS)/module-test-ours.log
	@$(MODSH)/step.sh ours
