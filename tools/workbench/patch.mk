# make patch, and the documentation and patch-series checks of make test.
# Included by GNUmakefile; see README.md, "The patch series and the
# documentation checks".

# Where `make patch` writes the series.
BA_PATCH_DIR ?= $(BA_CACHE)/patches
# The kernel the series is compiled in after each patch (make test): binder
# built in, with the KUnit suite.
PATCH_CHECK_FRAGS := base binder kunit

.PHONY: patch _docs _patch
patch: tree
	@$(WB)/mkpatch.sh $(BA_PATCH_DIR)
	@echo "patch series against $(PRISTINE) in $(BA_PATCH_DIR):"
	@cd $(BA_PATCH_DIR) && ls -1 [0-9][0-9][0-9][0-9]-*.patch | sed 's/^/  /'
	@echo "apply to a 6.12 tree: git am $(BA_PATCH_DIR)/000[1-9]-*.patch (or patch -p1 < each)"

_docs:
	@mkdir -p $(LOGS)
	@echo '== documentation: docutils, functions named (log: $(LOGS)/docs.log)'
	@python3 $(WB)/doccheck.py $(REPO) $(WORK) > $(LOGS)/docs.log

_patch:
	@$(WB)/patchcheck.sh $(call frags,$(PATCH_CHECK_FRAGS))
