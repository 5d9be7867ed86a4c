# Sourced by the workbench scripts: the driver files of this repository,
# the one list of them. Each replaces (or adds) its namesake in
# drivers/android/ of the kernel tree.
#   driver_files    all of them (tree.sh overlays these)
#   driver_sources  the C sources and headers among them: compiled as ours,
#                   checked (check.sh, patchcheck.sh), built into the module
#   kunit_files     the KUnit suite's files (patch 2 of the series; the
#                   other sources are patch 1)
driver_files="Kconfig Makefile binder_alloc.h binder_alloc.c binder_shrinker.c
	binder_alloc_kunit.c .kunitconfig"
driver_sources=$(for f in $driver_files; do
	case $f in *.[ch]) printf '%s ' "$f" ;; esac
done)
kunit_files=$(for f in $driver_files; do
	case $f in *kunit*) printf '%s ' "$f" ;; esac
done)
# tools_dirs: directories of ours in tools/ of the kernel tree, at the same
# paths there: the kselftests and the binder library they link (tree.sh
# overlays them; the patch series adds them)
tools_dirs="tools/testing/selftests/binder_alloc tools/lib/binder"
# driver_sources_re: the sources as an extended regex alternative
driver_sources_re=$(echo $driver_sources | sed 's/\./\\./g; s/ /|/g')
