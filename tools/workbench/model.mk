# make model, and the model check of make test: the Promela model of the
# page life cycle (tools/model/binder_alloc.pml) through spin, with every
# mutation. Included by GNUmakefile; see tools/model/README.md.

# pan.c, pan and trails, one directory per run; never in the checkout.
MODEL_WORK := $(BA_CACHE)/model
# The kernel tree, when extracted, for the mm functions the model names.
MODEL_CHECK = python3 $(REPO)/tools/model/check.py --work $(MODEL_WORK) \
	$(if $(wildcard $(WORK)/mm),--tree $(WORK))

.PHONY: model _model
model: deps
	@$(MODEL_CHECK) $(REPO)

_model:
	@mkdir -p $(LOGS)
	@echo '== model: spin on tools/model/binder_alloc.pml and its mutations (log: $(LOGS)/model.log)'
	@$(MODEL_CHECK) --tap $(LOGS)/model.log $(REPO) > $(LOGS)/model.out 2>&1 || \
		tail -n 40 $(LOGS)/model.out
