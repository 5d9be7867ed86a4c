/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page life cycle of the binder buffer allocator, as a Promela model
 * for spin. See README.md in this directory and "A model-checked page life
 * cycle" in Documentation/binder_alloc.rst.
 *
 * One binder_alloc with NS = 2 page slots; buffer 0 spans pages 0 and 1,
 * buffer 1 only page 1, so the two share page 1. NP = 3 page frames.
 * Processes: two senders (carve, install, use, BC_FREE_BUFFER), the
 * shrinker callback, the user (MADV_DONTNEED, partial and whole munmap, a
 * foreign mmap, exit), exit_mmap(), and teardown followed by the free of
 * the alloc.
 *
 * Step comments: "C: f()" names a function of binder_alloc.c,
 * binder_shrinker.c or binder_alloc.h, or a kernel function those files
 * call, that the step models; steps.py checks that each still exists.
 * "mm: f()" names a function of the kernel's mm that the step models.
 *
 * Compile-time switches (spin -D...):
 *   FALLBACK       the mmap_lock-only build (module, UML); default: the
 *                  per-VMA-lock build (built in, x86_64)
 *   PROGRESS       the liveness configuration: no teardown, the shrinker
 *                  walks forever, ltl "progress" (run pan -a -f)
 *   PROPS=mask     which properties assert (bit n = property n below)
 *   ROUNDS0, ROUNDS1  transactions of each sender (default 1)
 *   MUTATION_*     re-create a known bug (see README.md)
 *   OBSERVE_INSERT_AFTER_CLOSE  assert property 10 (not a property of
 *                  the design: spin shows it does not hold, harmlessly)
 *
 * Properties (assertion ASSERT(n, ...) checks property n):
 *   1 PAGE    no page is freed while a slot or a PTE of ours maps it;
 *             a buffer only ever reaches live pages of its own slots
 *   2 NOEBUSY vm_insert_page() never finds a PTE where it installs and
 *             zap never removes a PTE of a page other than the one
 *             reclaimed: a PTE of ours maps only its slot's page
 *   3 MDATA   no metadata is used after it is freed; list_lru_add() and
 *             list_lru_del() find the item where the code expects it
 *   4 STABLE  a slot never changes while an allocated buffer uses it
 *   5 VMA     nothing is inserted into or zapped from a VMA not ours
 *   6 LIVE    nothing touches the alloc (its mutex included) after it
 *             was freed
 *   7 LEAK    after teardown every page and metadata object is freed
 *   8 PROGRESS (ltl) user idle, alloc unmapped: the freelist empties
 *   9 DEADLOCK (pan's invalid end states) every process ends or idles at
 *             an end label
 *  10 CLOSED  nothing is inserted after close() (observation only)
 *
 * What is left out, and why that is safe: see the documentation section.
 */

#ifndef PROPS
#define PROPS 255
#endif
#ifndef ROUNDS0
#define ROUNDS0 1
#endif
#ifndef ROUNDS1
#define ROUNDS1 1
#endif
#ifndef WALKS
#define WALKS 2
#endif

#define ASSERT(n, c)	assert((c) || ((PROPS >> n) & 1) == 0)

#define NS	2	/* page slots */
#define NP	3	/* page frames, 1..NP; 0 is NULL */
#define CLAIMED	255	/* slot sentinel: BINDER_PAGE_CLAIMED */
#define FPG	254	/* a PTE of a foreign VMA: not one of our frames */

#define NONE	0	/* what a VMA lookup at an address finds */
#define OURS	1
#define FOREIGN	2

#define L_NONE	0	/* how the VMA is held */
#define L_VMA	1
#define L_MMAP	2

#define A_SKIP	0	/* the shrinker's decision */
#define A_FREE	1
#define A_ZAP	2

#define E_OK	0
#define E_BUSY	1
#define E_SRCH	2
#define E_NOMEM	3

#define ISPAGE(s)	((s) != 0 && (s) != CLAIMED)
#define COVERS(b, i)	((b) == 0 || (i) == 1)
#define FIRST(b)	((b) == 0 -> 0 : 1)
#define OWN(b, i)	(COVERS(b, i) && !(balloc[1 - (b)] && COVERS(1 - (b), i)))
#define ROUNDS(b)	((b) == 0 -> ROUNDS0 : ROUNDS1)
#define ANY_LRU		(lru[1] || lru[2] || lru[3])
#define NOREF(p)	(slot[0] != (p) && slot[1] != (p))
#define NOPTE(p)	(pte[0] != (p) && pte[1] != (p))

#ifdef PROGRESS
#define TRYFAIL	else	/* trylocks fail only under contention */
#else
#define TRYFAIL	true	/* and also spuriously (RCU miss, rwsem waiters) */
#endif

/* the allocator */
byte slot[NS];		/* alloc->pages[i]: 0, a frame, CLAIMED */
bool balloc[2];		/* buffer allocated */
byte bpg[4];		/* bpg[b*NS+i]: the page buffer b was installed with */
bool lru[NP + 1];	/* frame on binder_freelist */
byte lru_owner;		/* list_lru node lock: holder's _pid + 1 */
byte mtx;		/* alloc->mutex: owner's _pid + 1 */
bool mapped;		/* alloc->mapped */
byte reclaimers;	/* alloc->reclaimers */
bool alloc_freed;	/* the binder_proc holding the alloc was kfree()d */

/* pages */
byte ref[NP + 1];	/* page refcount: the allocator's plus one per PTE */
bool md[NP + 1];	/* binder_page_mdata allocated */
byte mdi[NP + 1];	/* its page_index */

/* the mm */
byte pte[NS];		/* PTE at address i: 0, a frame, FPG */
byte vma[NS];		/* what a lookup at address i finds (detached: NONE) */
bool vwr[NS];		/* the VMA at i is write-locked */
byte vrd[NS];		/* per-VMA read lock holders of the VMA at i */
byte ourvma;		/* pieces of our VMA not yet closed and removed */
byte mmr;		/* mmap_lock readers */
bool mmw;		/* mmap_lock writer */
byte mm_users;
bool mm_dead;		/* mm_users reached 0: exit_mmap() */

/* bookkeeping of the model */
byte sdone;		/* senders finished */
bool uidle;		/* the user has finished its script */
bool tdone;		/* teardown freed the alloc */
bool in_cb;		/* the shrinker is inside the callback */

/* ------------------------------------------------------------------ */

inline mutex_lock()
{
	/* C: mutex_lock() */
	atomic { mtx == 0 -> ASSERT(6, !alloc_freed); mtx = _pid + 1 }
}

inline mutex_unlock()
{
	/* C: mutex_unlock() releases ownership ... */
	atomic { ASSERT(6, !alloc_freed); assert(mtx == _pid + 1); mtx = 0 };
	/* C: mutex_unlock() ... and may touch the mutex again (slow path) */
	ASSERT(6, !alloc_freed)
}

inline mm_put()
{
	/* C: mmput_async() */
	atomic { mm_users--; if :: mm_users == 0 -> mm_dead = 1 :: else fi }
}

/* Drop a page reference; at zero the page is back in the page allocator. */
inline put_page(q)
{
	/* model: a page reference goes; at zero the page is free (P1) */
	ref[q]--;
	if
	:: ref[q] == 0 ->
		ASSERT(1, NOREF(q) && NOPTE(q) && !md[q] && !lru[q])
	:: else
	fi
}

/* Clear the PTE at address j (under its page table lock); drop its page. */
inline zap_pte(j)
{
	/* mm: zap_pte_range() clears one PTE under the page table lock */
	atomic {
		if
		:: pte[j] != 0 && pte[j] != FPG -> pg = pte[j]; pte[j] = 0; put_page(pg); pg = 0
		:: pte[j] == FPG -> pte[j] = 0
		:: else
		fi
	}
}

/* A slot changes: no allocated buffer may be using another page there. */
inline set_slot(i, v)
{
	/* model: a store to alloc->pages[i] (P4) */
	ASSERT(4, (bpg[i] == 0 || bpg[i] == v) && (bpg[NS + i] == 0 || bpg[NS + i] == v));
	slot[i] = v
}

/* The allocator gives a page and its metadata up. */
inline alloc_drop(q)
{
	/* C: binder_alloc_free_page_and_mdata() */
	atomic {
		ASSERT(1, NOREF(q));
		ASSERT(1, mm_dead || !mapped || NOPTE(q));
		ASSERT(3, md[q] && !lru[q]);
		md[q] = 0;
		put_page(q)
	}
}

inline lru_add(q)
{
	/* C: list_lru_add() */
	atomic { lru_owner == 0 -> ASSERT(3, md[q] && !lru[q]); lru[q] = 1 }
}

inline lru_del(q)
{
	/* C: list_lru_del() */
	atomic { lru_owner == 0 -> ASSERT(3, md[q] && lru[q]); lru[q] = 0 }
}

/* Lock the VMA at address i for read, blocking (installers). */
inline vma_lock(i)
{
#ifndef FALLBACK
	/* C: lock_vma_under_rcu() */
	atomic {
		if
		:: vma[i] != NONE && !vwr[i] -> vrd[i]++; how = L_VMA; found = vma[i]
		:: true -> how = L_NONE
		fi
	};
	if
	:: how == L_NONE ->
		/* C: mmap_read_lock(), vma_lookup() */
		atomic { !mmw -> mmr++; how = L_MMAP; found = vma[i] }
	:: else
	fi
#else
	/* C: mmap_read_lock(), vma_lookup() */
	atomic { !mmw -> mmr++; how = L_MMAP; found = vma[i] }
#endif
}

inline vma_unlock(i)
{
	/* C: binder_vma_unlock_read() */
	atomic {
		if
		:: how == L_VMA -> vrd[i]--
		:: how == L_MMAP -> mmr--
		:: else
		fi;
		how = L_NONE
	}
}

/* Take the first free page frame, with metadata for index i. */
inline page_alloc(i)
{
	/* C: binder_alloc_page_alloc() */
	atomic {
		if
		:: ref[1] == 0 -> p = 1
		:: else ->
			if
			:: ref[2] == 0 -> p = 2
			:: else ->
				if
				:: ref[3] == 0 -> p = 3
				:: else -> p = 0
				fi
			fi
		fi;
		if
		:: p == 0 -> ret = E_NOMEM
		:: else ->
			ASSERT(1, !md[p] && !lru[p] && NOREF(p) && NOPTE(p));
			ref[p] = 1; md[p] = 1; mdi[p] = i
		fi
	}
}

/*
 * Insert page p at address i into the VMA held; sets ret. The checks and
 * vm_insert_page() are two steps: close() of another piece of our VMA can
 * clear mapped in between (see OBSERVE_INSERT_AFTER_CLOSE).
 */
inline insert(i)
{
	/* C: binder_alloc_vma_is_ours(), binder_alloc_is_mapped() */
#ifdef MUTATION_NO_MAPPED_CHECK
	if :: found != OURS -> ret = E_SRCH :: else fi;
#else
	if :: found != OURS || !mapped -> ret = E_SRCH :: else fi;
#endif
	/* C: vm_insert_page() */
	atomic {
		if
		:: ret == E_OK ->
			ASSERT(5, vma[i] == OURS);
#ifdef OBSERVE_INSERT_AFTER_CLOSE
			ASSERT(10, mapped);
#endif
			if
			:: pte[i] == 0 -> pte[i] = p; ref[p]++
			:: else -> ret = E_BUSY
			fi
		:: else
		fi
	}
}

#ifdef MUTATION_NO_CLAIM
/*
 * MUTATION_NO_CLAIM: the design before issue 11, one page at a time: mm
 * reference, page, VMA lock, insert; -EBUSY means another installer won:
 * look its page up (GUP, FOLL_NOFAULT) and publish it. Sets ret.
 */
inline install_single(i)
{
	ret = E_OK;
	atomic {
		/* C: mmget_not_zero() */
		if :: mm_users > 0 -> mm_users++ :: else -> ret = E_SRCH fi;
		if :: ret == E_OK -> page_alloc(i) :: else fi
	};
	if
	:: ret == E_OK ->
		/* C: binder_vma_lock_read() */
		vma_lock(i);
		insert(i);
		atomic { vma_unlock(i); found = NONE };
		atomic {
			if
			:: ret != E_OK -> alloc_drop(p); p = 0
			:: else
			fi;
			mm_put()
		}
	:: ret == E_NOMEM -> mm_put()
	:: ret == E_SRCH
	fi
}

inline adopt(i)
{
	/* mmap_read_lock(), vma_lookup(), get_user_pages_remote() */
	atomic { !mmw -> mmr++; found = vma[i] };
	atomic {
		if
		:: found == OURS && mapped && pte[i] != 0 && pte[i] != FPG ->
			p = pte[i];
			if
			:: md[p] && mdi[p] == i -> set_slot(i, p); ret = E_OK
			:: else -> ret = E_SRCH
			fi
		:: else -> ret = E_SRCH
		fi
	};
	mmr--
}

/* Check the slot without a lock, install, publish unconditionally. */
inline install_nc(b, i)
{
	if
	:: ISPAGE(slot[i]) -> ret = E_OK
	:: else ->
		install_single(i);
		if
		:: ret == E_OK -> set_slot(i, p)
		:: ret == E_BUSY -> adopt(i)
		:: else
		fi
	fi;
	atomic {
		if
		:: ret == E_OK -> bpg[b * NS + i] = slot[i]
		:: else
		fi;
		p = 0; s = 0
	}
}

inline install_pages(b)
{
	ret = E_OK;
	i = FIRST(b);
	do
	:: i < NS && ret == E_OK -> install_nc(b, i); i++
	:: else -> break
	od
}
#else
/*
 * Install the slots the batch has claimed (cl[]): one mm reference, a page
 * for each, then the inserts in order, each under the read lock of the
 * VMA at its address, then every claim given up: the page if it was
 * inserted, else NULL. Each address is a VMA piece of its own here, so
 * the batch takes one VMA lock per page; where the C code keeps one VMA
 * locked across several inserts it only rules interleavings out. Sets ret.
 */
inline install_batch(b)
{
	if
	:: cl[0] || cl[1] ->
		ret = E_OK;
		/* C: binder_install_batch(), mmget_not_zero() */
		atomic { if :: mm_users > 0 -> mm_users++; held = 1 :: else -> ret = E_SRCH fi };
		k = 0;
		do
		:: k < NS && ret == E_OK ->
			if :: cl[k] -> page_alloc(k); bp[k] = p; p = 0 :: else fi;
			k++
		:: else -> break
		od;
		/* C: binder_insert_batch() */
		k = 0;
		do
		:: k < NS && ret == E_OK ->
			if
			:: cl[k] ->
				/* C: binder_vma_lock_read() */
				vma_lock(k);
				p = bp[k];
				insert(k);
				atomic {
					vma_unlock(k); found = NONE; p = 0;
					if :: ret == E_OK -> ins[k] = 1 :: else fi
				}
			:: else
			fi;
			k++
		:: else -> break
		od;
		atomic {
			ASSERT(2, ret != E_BUSY);
			if :: held -> mm_put(); held = 0 :: else fi
		};
		k = 0;
		do
		:: k < NS ->
			if
			:: cl[k] ->
				/* C: binder_publish_slot() xchg()s the page or NULL in, wake_up_var() */
				atomic {
#ifndef MUTATION_LEAK_ON_ERROR
					if :: !ins[k] && bp[k] != 0 -> alloc_drop(bp[k]) :: else fi;
#endif
					ASSERT(4, slot[k] == CLAIMED);
					if
					:: ins[k] -> set_slot(k, bp[k]); bpg[b * NS + k] = bp[k]
					:: else -> set_slot(k, 0)
					fi;
					cl[k] = 0; ins[k] = 0; bp[k] = 0
				}
			:: else
			fi;
			k++
		:: else -> k = 0; break
		od
	:: else
	fi
}

/*
 * Make sure every page of buffer b is installed: claim the empty slots in
 * order into the batch; before waiting for another installer's claim,
 * install the batch, so nobody waits while holding claims. Sets ret.
 */
inline install_pages(b)
{
	ret = E_OK;
	i = FIRST(b);
	do
	:: ret == E_OK && (i == NS || flush) && (cl[0] || cl[1]) ->
		install_batch(b);
		flush = 0
	:: ret == E_OK && i < NS && !flush ->
		/* C: binder_alloc_slot() */
		s = slot[i];
		if
		:: ISPAGE(s) ->
			/* model: the buffer now uses the page in the slot (P4) */
			atomic { bpg[b * NS + i] = s; i++ }
		:: s == CLAIMED && (cl[0] || cl[1]) ->
			/* install the batch before waiting */
			flush = 1
		:: s == CLAIMED && !(cl[0] || cl[1]) ->
			/* C: wait_var_event() on the slot */
			(slot[i] != CLAIMED)
		:: s == 0 ->
			/* C: binder_install_buffer_pages() claims with cmpxchg() */
			atomic {
				if
				:: slot[i] == 0 -> set_slot(i, CLAIMED); cl[i] = 1; i++
				:: else
				fi
			}
		fi
	:: else -> break
	od;
	atomic { i = 0; s = 0 }
}
#endif

/* binder.c reads and writes a buffer through alloc->pages[]. */
inline use(b)
{
	atomic {
		i = FIRST(b);
		do
		:: i < NS ->
			s = slot[i];
			ASSERT(4, s == bpg[b * NS + i]);
			ASSERT(1, ISPAGE(s) && ref[s] > 0 && md[s] && mdi[s] == i);
			i++
		:: else -> i = 0; s = 0; break
		od
	}
}

inline free_buf(b)
{
	atomic {
		/* C: binder_alloc_free_buf() */
		mutex_lock();
		/* C: binder_free_buf_locked(), binder_update_own_pages_locked() */
		i = FIRST(b);
		do
		:: i < NS ->
			if
			:: OWN(b, i) && ISPAGE(slot[i]) -> lru_add(slot[i])
			:: else -> ASSERT(3, !OWN(b, i) || slot[i] != CLAIMED)
			fi;
			bpg[b * NS + i] = 0;
			i++
		:: else -> i = 0; break
		od;
		balloc[b] = 0;
		mutex_unlock()
	}
}

proctype sender(byte b)
{
	byte r, i, s, p, ret, found, how;
#ifndef MUTATION_NO_CLAIM
	byte k, bp[NS];
	bool held, flush, cl[NS], ins[NS];
#endif

	do
	:: r >= ROUNDS(b) -> break
	:: r < ROUNDS(b) ->
		r++;
		/* C: binder_alloc_new_buf() checks binder_alloc_is_mapped() */
		if
		:: !mapped -> break
		:: else
		fi;
		atomic {
			mutex_lock();
			/* C: binder_alloc_new_buf_locked() */
			balloc[b] = 1;
			/* C: binder_update_own_pages_locked() */
			i = FIRST(b);
			do
			:: i < NS ->
				if
				:: OWN(b, i) && ISPAGE(slot[i]) -> lru_del(slot[i])
				:: else -> ASSERT(3, !OWN(b, i) || slot[i] != CLAIMED)
				fi;
				i++
			:: else -> i = 0; break
			od;
			mutex_unlock()
		};
		/* C: binder_install_buffer_pages() */
		install_pages(b);
		if
		:: ret == E_OK ->
			/* C: binder_alloc_copy_user_to_buffer() */
			use(b);
			/* C: binder_alloc_copy_from_buffer() (binder.c, at BC_FREE_BUFFER) */
			use(b);
			if
			:: free_buf(b)
#ifndef PROGRESS
			:: r == ROUNDS(b) -> break	/* left to teardown */
#endif
			fi
		:: else ->
			/* C: binder_alloc_new_buf() frees the buffer on error */
			free_buf(b)
		fi
	od;
	sdone++
}

proctype shrinker()
{
	byte p, i, found, how, act, n, pg;
	bool alive, busy;

end_walk:
	do
	:: atomic {
#ifndef PROGRESS
		n < WALKS &&
#endif
		lru_owner == 0 && ANY_LRU ->
		/* C: list_lru_shrink_walk() calls binder_alloc_free_page() under the lock */
		lru_owner = _pid + 1; in_cb = 1;
		if
		:: lru[1] -> p = 1
		:: lru[2] -> p = 2
		:: lru[3] -> p = 3
		fi;
#ifndef PROGRESS
		n++;
#endif
		/* C: binder_alloc_free_page() reads the page's metadata */
		ASSERT(3, md[p] && lru[p]);
		i = mdi[p];
#ifndef MUTATION_NO_RECLAIMERS
		/* C: binder_alloc_reclaim_begin() atomic_inc()s alloc->reclaimers */
		ASSERT(6, !alloc_freed);
		reclaimers++;
#endif
		/* C: mmget_not_zero() */
		if :: mm_users > 0 -> mm_users++; alive = 1 :: else -> alive = 0 fi
	   };
		if
		:: alive ->
			/* C: binder_vma_trylock_read() */
#ifndef FALLBACK
			/* C: lock_vma_under_rcu() */
			atomic {
				if
				:: vma[i] != NONE && !vwr[i] -> vrd[i]++; how = L_VMA; found = vma[i]
				:: TRYFAIL -> found = NONE
				fi
			}
#else
			/* C: mmap_read_trylock(), vma_lookup() */
			atomic {
				if
				:: !mmw -> mmr++; how = L_MMAP; found = vma[i]
				:: TRYFAIL -> busy = 1
				fi
			}
#endif
		:: else
		fi;
		atomic {
			if
			:: !busy ->
				/* C: mutex_trylock() */
				if
				:: mtx == 0 -> ASSERT(6, !alloc_freed); mtx = _pid + 1
				:: else -> busy = 1
				fi
			:: else
			fi;
			if
			:: !busy ->
				/* C: binder_reclaim_action() */
				if
				:: found == OURS -> act = A_ZAP
				:: found == FOREIGN ->
#if defined(MUTATION_ZAP_FOREIGN)
					act = A_ZAP
#elif defined(MUTATION_SKIP_FOREIGN)
					act = A_SKIP
#else
					act = A_FREE
#endif
				:: found == NONE && (!alive || !mapped) -> act = A_FREE
				:: found == NONE && alive && mapped ->
#ifdef MUTATION_FREE_MAPPED
					act = A_FREE
#else
					act = A_SKIP
#endif
				fi
			:: else -> act = A_SKIP
			fi;
			if
			:: act != A_SKIP ->
				/* C: list_lru_isolate() */
				lru[p] = 0;
				/* C: binder_alloc_take_page_locked() */
				ASSERT(1, slot[i] == p);
				set_slot(i, 0);
				/* C: spin_unlock() of the list_lru lock */
				lru_owner = 0
			:: else
			fi
		};
		if
		:: act == A_SKIP && !busy -> mutex_unlock()
		:: else
		fi;
		if
		:: act != A_SKIP ->
#ifdef MUTATION_UNLOCK_BEFORE_ZAP
			mutex_unlock();
#endif
			if
			:: act == A_ZAP ->
				/* C: binder_reclaim_zap_page(), zap_page_range_single() */
				atomic {
					ASSERT(5, found == OURS && vma[i] == OURS);
					ASSERT(2, pte[i] == 0 || pte[i] == p);
					zap_pte(i)
				}
			:: else
			fi;
#ifndef MUTATION_UNLOCK_BEFORE_ZAP
			mutex_unlock();
#endif
			atomic {
				vma_unlock(i);
				if :: alive -> mm_put() :: else fi
			};
			alloc_drop(p);
#ifndef MUTATION_NO_RECLAIMERS
			/* C: binder_alloc_reclaim_end(), atomic_dec_and_test(), wake_up_var() */
			atomic { ASSERT(6, !alloc_freed); reclaimers-- };
#endif
			/* C: spin_lock() again: LRU_REMOVED_RETRY */
			atomic { lru_owner == 0 -> lru_owner = _pid + 1 }
		:: else ->
			/* LRU_SKIP */
			atomic {
				vma_unlock(i);
				if :: alive -> mm_put() :: else fi
			};
#if !defined(MUTATION_NO_RECLAIMERS) && !defined(MUTATION_SKIP_WITHOUT_END)
			/* C: binder_alloc_reclaim_end() */
			atomic { ASSERT(6, !alloc_freed); reclaimers-- };
#endif
			skip
		fi;
		atomic {
			lru_owner = 0; in_cb = 0;
			p = 0; i = 0; found = NONE; act = A_SKIP; alive = 0; busy = 0
		}
#ifndef PROGRESS
	:: n >= WALKS -> break
#endif
	od
}

inline vma_close(j)
{
	/* C: binder_alloc_vma_close(), from the VMA's close */
	mapped = 0;
	ourvma--
}

/*
 * munmap of the pieces of our VMA at addresses lo..hi. gone[j]: 0 ours,
 * 1 being unmapped, 2 unmapped. Each address is a VMA piece of its own
 * (as after an earlier split): a reader of one piece does not hold up
 * the munmap of another.
 */
inline munmap(lo, hi)
{
	/* mm: do_vmi_munmap(): mmap_write_lock(), vma_start_write(), detach */
	atomic {
		mmr == 0 && !mmw -> mmw = 1;
		j = lo;
		do
		:: j <= hi ->
			if
			:: gone[j] == 0 -> vrd[j] == 0 -> vwr[j] = 1; vma[j] = NONE; gone[j] = 1
			:: else
			fi;
			j++
		:: else -> break
		od
	};
	/* mm: mmap_write_downgrade() ends the VMA write locks */
	atomic { mmw = 0; mmr++; vwr[0] = 0; vwr[1] = 0 };
	/* mm: unmap_region() zaps; remove_vma() calls the VMA's close */
	atomic {
		j = lo;
		do
		:: j <= hi ->
			if
			:: gone[j] == 1 -> zap_pte(j); vma_close(j); gone[j] = 2
			:: else
			fi;
			j++
		:: else -> break
		od;
		mmr--;
		j = 0
	}
}

proctype user()
{
	byte j, pg;
	bool madv, part, whole, fgn;
	byte gone[NS];

	do
	:: !madv && !whole ->
		madv = 1;
		/*
		 * mm: madvise_dontneed_single_vma() under mmap_read_lock(),
		 * on the shared page 1 (the PTE zap is one step under the PTL)
		 */
		atomic {
			!mmw ->
			if
			:: vma[1] == OURS -> zap_pte(1)
			:: else
			fi
		}
	:: !part && !whole ->
		part = 1;
		if
		:: munmap(0, 0)
		:: munmap(1, 1)
		fi
	:: !whole ->
		whole = 1;
		munmap(0, 1)
	:: !fgn && (gone[0] == 2 || gone[1] == 2) ->
		fgn = 1;
		if :: gone[0] == 2 -> j = 0 :: gone[1] == 2 -> j = 1 fi;
		/* mm: mmap_region(): a stranger's VMA where ours was, populated */
		atomic {
			mmr == 0 && !mmw ->
			assert(vma[j] == NONE && pte[j] == 0);
			vma[j] = FOREIGN; pte[j] = FPG;
			j = 0
		}
	:: whole -> break
	:: /* mm: do_exit() drops the task's mm */
		mm_put(); break
	od;
	uidle = 1
}

proctype mmexit()
{
	byte j, pg;

end_alive:
	mm_dead;
	/* mm: exit_mmap(): unmap_vmas() under mmap_read_lock() */
	atomic {
		!mmw -> mmr++;
		zap_pte(0);
		zap_pte(1);
		mmr--
	};
	/* mm: exit_mmap(): remove_vma() under mmap_write_lock(), then close */
	atomic {
		mmr == 0 && !mmw -> mmw = 1;
		j = 0;
		do
		:: j < NS ->
			if
			:: vma[j] == OURS -> vma[j] = NONE; vma_close(j)
			:: vma[j] == FOREIGN -> vma[j] = NONE
			:: else
			fi;
			j++
		:: else -> break
		od;
		mmw = 0
	}
}

#ifndef PROGRESS
proctype teardown()
{
	byte b, i, p;

	/* binder.c: binder_release() runs once the file is unmapped everywhere */
	atomic { sdone == 2 && ourvma == 0 -> assert(!mapped) };
	/* C: binder_alloc_deferred_release() */
	mutex_lock();
	/* C: binder_alloc_free_all_buffers(), binder_free_buf_locked() */
	b = 0;
	do
	:: b < 2 ->
		if
		:: balloc[b] ->
			i = FIRST(b);
			do
			:: i < NS ->
				if
				:: OWN(b, i) && ISPAGE(slot[i]) -> lru_add(slot[i])
				:: else -> ASSERT(3, !OWN(b, i) || slot[i] != CLAIMED)
				fi;
				bpg[b * NS + i] = 0;
				i++
			:: else -> break
			od;
			balloc[b] = 0
		:: else
		fi;
		b++
	:: else -> break
	od;
	/* C: binder_alloc_free_all_pages() */
	i = 0;
	do
	:: i < NS ->
		p = slot[i];
		ASSERT(3, p != CLAIMED);
		if
		:: p != 0 ->
#ifndef MUTATION_TEARDOWN_NO_LRU_DEL
			lru_del(p);
#endif
			set_slot(i, 0);
			alloc_drop(p)
		:: else
		fi;
		i++
	:: else -> break
	od;
	mutex_unlock();
#ifndef MUTATION_NO_RECLAIMERS
	/* C: wait_var_event() on alloc->reclaimers */
	reclaimers == 0;
#endif
	/* C: kvfree() of alloc->pages; then binder.c frees the binder_proc */
	alloc_freed = 1;
	tdone = 1
}
#endif

init
{
	atomic {
		mapped = 1;
		mm_users = 1;
		vma[0] = OURS; vma[1] = OURS;
		ourvma = NS;
		run sender(0);
		run sender(1);
		run shrinker();
		run user();
		run mmexit();
#ifndef PROGRESS
		run teardown()
#endif
	}
#ifndef PROGRESS
	;
	/* everything is over: nothing the allocator ever allocated is left */
	atomic {
		tdone && !in_cb ->
		ASSERT(7, ref[1] == 0 && ref[2] == 0 && ref[3] == 0);
		ASSERT(7, !md[1] && !md[2] && !md[3]);
		ASSERT(7, slot[0] == 0 && slot[1] == 0 && !ANY_LRU)
	}
#endif
}

#ifdef PROGRESS
#define QUIET		(uidle && !mapped && sdone == 2)
#define LRU_EMPTY	(!lru[1] && !lru[2] && !lru[3])
ltl progress { [] (QUIET -> <> LRU_EMPTY) }
#endif
