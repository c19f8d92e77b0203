"""Incremental re-clustering of the neighbourhood of changed records (DESIGN.md, "Invariants").

For every batch: prepare the changed records, score them against their blocking candidates, store the
edges at or above the review threshold, then re-cluster the whole neighbourhood (everything reachable
through edges at or above the link threshold, shared citizens or must-link decisions) deterministically.
Average linkage joins two clusters only when their average weight reaches the link threshold, which
needs at least one pair at or above it: so edges below it never join what they connect, and the
neighbourhood need not follow them (on a large population they would chain households and namesakes
into one ever-growing neighbourhood). The citizens are therefore a function of the
current records and the manual decisions, not of arrival order; ids are kept stable by overlap.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from matching.model import CitizenPlan, Comparison, Constraints, Edge, Prepared, ReclusterPlan, RecordChange
from matching.ports import MatchEngine, MatchStore

_MAX_LOCK_ROUNDS = 20
_MAX_FILL_IN_NEIGHBOURS = 32
"""A record linked to more records than this is not used to fill in the pairs among them."""


def new_citizen_id(members: Iterable[str], attempt: int = 0) -> str:
    """A deterministic id for a new citizen, from its smallest member key."""
    seed = f"{min(members)}#{attempt}".encode()
    return "c-" + hashlib.sha256(seed).hexdigest()[:12]


class IncrementalMatcher:
    """Applies batches of record changes to a :class:`MatchStore` through a :class:`MatchEngine`."""

    def __init__(self, engine: MatchEngine) -> None:
        self.engine = engine

    def process(self, store: MatchStore, changes: Sequence[RecordChange]) -> ReclusterPlan:
        """Apply one batch of changes (last change per key wins) and return what it changed.

        The caller runs this inside one unit of work and commits after :meth:`MatchStore.apply`.
        """
        latest: dict[str, RecordChange] = {}
        for change in changes:
            latest[change.key] = change
        prepare = self.engine.prepare
        upserts: list[Prepared] = []
        for change in latest.values():
            if change.prepared is not None:
                upserts.append(change.prepared)
            elif change.record is not None:
                upserts.append(prepare(change.record))
        deleted = sorted(k for k, c in latest.items() if c.deletes)
        upsert_keys = {p.key for p in upserts}

        versions: dict[str, str] = {}
        known: dict[str, Prepared] = {}
        scored: dict[tuple[str, str], Comparison] = {}
        if store.single_writer:
            # No locks to take and nothing to read twice: the keys need neither an order nor to be made
            # unique (the store reads a key that several records of the batch hold once).
            blocking_keys = [bk for p in upserts for bk in p.blocking_keys]
        else:
            held = {bk for p in upserts for bk in p.blocking_keys}
            blocking_keys = sorted(held)  # for the locks, which writers take in one order
            # Score against what is stored now, before taking any lock: other batches may change it
            # meanwhile, so once the locks are held only the difference is read and scored again.
            early = store.candidates(blocking_keys, self.engine.max_block_size, versions)
            known = {c.key: c for found in early.values() for c in found if c.key not in latest}
            found_keys = {bk: [c.key for c in found] for bk, found in early.items()}
            self._compare(upserts, found_keys, known, scored)
            # The keys a changed record held before matter too: a batch that read the old version as a
            # candidate must finish before this one changes it.
            held_before = store.stored_blocking_keys(sorted(latest))
            store.lock_blocking_keys(blocking_keys if held_before <= held else sorted(held | held_before))
        prior = store.citizens_of(deleted) if deleted else {}
        store.remove(deleted)
        store.put_prepared(upserts)
        holders = store.holders(blocking_keys, self.engine.max_block_size)
        changed = sorted(
            {
                k
                for held in holders.values()
                for k, v in held.items()
                if k not in latest and versions.get(k) != v
            }
        )
        if changed:
            for key in changed:
                known.pop(key, None)
            stale = set(changed)
            if scored:
                scored = {pair: c for pair, c in scored.items() if pair[1] not in stale}
            known.update(store.prepared_of(changed))
        known.update((p.key, p) for p in upserts)
        edges = self._compare(upserts, holders, known, scored)
        store.replace_edges(sorted(upsert_keys), edges)

        # A deleted record is never walked through: the rest of its citizen are seeds of their own.
        seeds = set(upsert_keys)
        for members in store.members_of(set(prior.values())).values():
            seeds.update(members)
        removed = set(deleted)
        nodes = self._locked_neighbourhood(store, seeds, removed)
        plan = self._recluster(store, nodes, removed, {})
        plan.removed = deleted
        plan.touched_records = upsert_keys
        store.apply(plan)
        return plan

    def recluster(
        self, store: MatchStore, keys: Sequence[str], revive: Mapping[str, str] | None = None
    ) -> ReclusterPlan:
        """Re-cluster the neighbourhood of ``keys`` without changing any record (after a supervisor's
        decision changed the constraints).

        Args:
            store: where the records, edges and constraints live.
            keys: source keys whose neighbourhood is re-clustered.
            revive: source key -> a retired citizen id that a new cluster made only of such keys should
                take back (undoing a merge restores the pre-merge ids).
        """
        seeds = set(keys)
        for members in store.members_of(set(store.citizens_of(keys).values())).values():
            seeds.update(members)
        nodes = self._locked_neighbourhood(store, seeds, set())
        plan = self._recluster(store, nodes, set(), revive or {})
        store.apply(plan)
        return plan

    def _compare(
        self,
        upserts: list[Prepared],
        holders: Mapping[str, Collection[str]],
        known: Mapping[str, Prepared],
        scored: dict[tuple[str, str], Comparison],
    ) -> list[Edge]:
        """Compare each changed record with the holders of its blocking keys that ``known`` has (each
        pair once; ``scored`` holds the comparisons already made and gets the new ones) and return the
        pairs at or above the review threshold."""
        upsert_keys = {p.key for p in upserts}
        review = self.engine.thresholds.review
        compare_many = self.engine.compare_many
        edges: list[Edge] = []
        held_by = holders.get
        for record in upserts:
            mine = record.key
            keys: set[str] = set()
            for bk in record.blocking_keys:
                held = held_by(bk)
                # Most keys are held by the record alone once it is stored.
                if held and (len(held) > 1 or mine not in held):
                    keys.update(held)
            if not keys:
                continue
            keys.discard(mine)
            # A pair inside the batch is scored once, from its smaller key.
            ordered = sorted(k for k in keys if k in known and (k > mine or k not in upsert_keys))
            missing = [known[k] for k in ordered if (mine, k) not in scored]
            if missing:
                for cand, comparison in zip(missing, compare_many(record, missing), strict=True):
                    scored[(mine, cand.key)] = comparison
            for key in ordered:
                comparison = scored[(mine, key)]
                if comparison.weight >= review:
                    edges.append(Edge.of(mine, key, comparison))
        return edges

    def _locked_neighbourhood(self, store: MatchStore, seeds: set[str], removed: set[str]) -> set[str]:
        # Lock what we found, then look again: once a look finds nothing new, every record that could
        # change our neighbourhood is held by us (another batch must lock one of them to join it).
        link = self.engine.thresholds.link
        nodes = store.neighbourhood(seeds, removed, link)
        if store.single_writer:  # nothing else writes: a second look would find the same
            return nodes
        for _ in range(_MAX_LOCK_ROUNDS):
            store.lock_records(sorted(nodes))
            again = store.neighbourhood(seeds, removed, link)
            if again <= nodes:
                return again
            nodes |= again
        raise RuntimeError("the neighbourhood kept growing while it was being locked")

    def _recluster(
        self, store: MatchStore, nodes: set[str], removed: set[str], revive: Mapping[str, str]
    ) -> ReclusterPlan:
        touching = store.edges_touching(nodes)
        edges = [e for e in touching if e.a in nodes and e.b in nodes]
        # An edge leaving the neighbourhood is below the link threshold (else its far end would be
        # inside): it joins nothing, but it still asks a person whether the two are one.
        leaving = [
            e
            for e in touching
            if (e.a in nodes) != (e.b in nodes) and e.a not in removed and e.b not in removed
        ]
        constraints = store.constraints_for(nodes).restricted_to(nodes)
        current = store.citizens_of(nodes | removed)
        previous_ids = set(current.values())
        previous_members = store.members_of(previous_ids)
        ages = store.citizen_ages(previous_ids)
        scored = edges + self._filled_in(store, edges)
        clusters = [sorted(c) for c in self.engine.cluster(sorted(nodes), scored, constraints)]
        clusters.sort(key=lambda c: c[0])

        chosen = self._stable_ids(store, clusters, current, ages, revive)
        plan = ReclusterPlan()
        where: dict[str, str] = {}
        for cluster, citizen_id in zip(clusters, chosen, strict=True):
            for key in cluster:
                where[key] = citizen_id
        inside: dict[str, list[Edge]] = {}
        for edge in edges:
            if where[edge.a] == where[edge.b]:
                inside.setdefault(where[edge.a], []).append(edge)
        survivors = set(chosen)
        for old_id in sorted(previous_ids - survivors):
            went = Counter(where[k] for k in previous_members.get(old_id, []) if k in where)
            best = sorted(went.items(), key=lambda kv: (-kv[1], kv[0]))
            plan.retired[old_id] = best[0][0] if best else ""
        retired = plan.retired
        for cluster, citizen_id in zip(clusters, chosen, strict=True):
            before = sorted(previous_members.get(citizen_id, ()))
            if len(cluster) == 1:
                previous = current.get(cluster[0])
                came_from = [] if previous is None else [previous]
            else:
                came_from = sorted({current[k] for k in cluster if k in current})
            plan.citizens.append(
                CitizenPlan(
                    citizen_id=citizen_id,
                    members=cluster,
                    is_new=citizen_id not in previous_ids,
                    previous_ids=came_from,
                    membership_changed=before != cluster,
                    reasons=self._reasons(cluster, inside.get(citizen_id, [])),
                )
            )
            absorbed = sorted(i for i in came_from if retired.get(i) == citizen_id) if retired else []
            if absorbed:
                plan.merges.append((citizen_id, absorbed))
        for old_id in sorted(previous_ids):
            held = previous_members.get(old_id, ())
            if len(held) < 2:
                continue
            went_to = sorted({where[k] for k in held if k in where})
            if len(went_to) > 1:
                anchor = old_id if old_id in survivors else plan.retired.get(old_id, "")
                plan.splits.append((anchor, [c for c in went_to if c != anchor]))
        if leaving:
            outside = store.citizens_of({k for e in leaving for k in (e.a, e.b) if k not in nodes})
            where = where | outside
            constraints = store.constraints_for(nodes)
        plan.reviews = self._reviews(edges + leaving, where, constraints)
        return plan

    def _filled_in(self, store: MatchStore, edges: list[Edge]) -> list[Edge]:
        """Score the pairs that blocking missed between records linked through a third.

        Average linkage counts a pair with no edge as no better than uncertain. When two records are each
        linked to a third but were never compared (a postcode typo on one, no date of birth on the
        other), that guess can keep a record out of the citizen it matches, or hide a conflict that
        should keep it out. So the pairs two steps apart through links are compared for real before
        clustering. Which pairs these are depends only on the stored edges, so the citizens stay a
        function of the records, whatever the batches. Pairs at or above the review threshold are
        returned, like stored edges, and so are pairs whose conflicts say two people (a father and son of
        one name at one address, bridged by a record of no date of birth that links both): these are used
        for clustering and not stored.
        """
        link = self.engine.thresholds.link
        linked: dict[str, list[str]] = {}
        have: set[tuple[str, str]] = set()
        for edge in edges:
            have.add((edge.a, edge.b) if edge.a < edge.b else (edge.b, edge.a))
            if edge.weight >= link and edge.a != edge.b:
                linked.setdefault(edge.a, []).append(edge.b)
                linked.setdefault(edge.b, []).append(edge.a)
        wanted: dict[str, list[str]] = {}
        for middle in sorted(linked):
            ends = sorted(set(linked[middle]))
            if len(ends) < 2 or len(ends) > _MAX_FILL_IN_NEIGHBOURS:
                continue
            for i, a in enumerate(ends):
                for b in ends[i + 1 :]:
                    if (a, b) not in have:
                        have.add((a, b))
                        wanted.setdefault(a, []).append(b)
        if not wanted:
            return []
        prepared = store.prepared_of(sorted({k for a, bs in wanted.items() for k in (a, *bs)}))
        review = self.engine.thresholds.review
        apart = self.engine.apart
        filled: list[Edge] = []
        for a in sorted(wanted):
            others = [prepared[b] for b in sorted(wanted[a]) if b in prepared]
            if a not in prepared or not others:
                continue
            for other, comparison in zip(others, self.engine.compare_many(prepared[a], others), strict=True):
                if comparison.weight >= review:
                    filled.append(Edge.of(a, other.key, comparison))
                elif comparison.apart:
                    filled.append(Edge.of(a, other.key, replace(comparison, weight=apart)))
        return filled

    def _stable_ids(
        self,
        store: MatchStore,
        clusters: list[list[str]],
        current: dict[str, str],
        ages: dict[str, int],
        revive: Mapping[str, str],
    ) -> list[str]:
        # Each cluster keeps the id of the previous citizen it overlaps most (ties: the older id).
        options: list[tuple[int, int, str, str, int]] = []
        for index, cluster in enumerate(clusters):
            overlap: dict[str, int] = {}
            for key in cluster:
                previous = current.get(key)
                if previous is not None:
                    overlap[previous] = overlap.get(previous, 0) + 1
            for citizen_id, count in overlap.items():
                options.append((-count, ages.get(citizen_id, 0), citizen_id, cluster[0], index))
        options.sort()
        chosen: list[str | None] = [None] * len(clusters)
        taken: set[str] = set()
        for _neg, _age, citizen_id, _first, index in options:
            if chosen[index] is None and citizen_id not in taken:
                chosen[index] = citizen_id
                taken.add(citizen_id)
        for index, cluster in enumerate(clusters if revive else ()):
            revived = {revive.get(k) for k in cluster}
            if chosen[index] is None and len(revived) == 1:
                candidate = revived.pop()
                if candidate is not None and candidate not in taken and candidate not in current.values():
                    chosen[index] = candidate
                    taken.add(candidate)
        # New citizens get deterministic ids; collisions with any id ever used take the next attempt.
        attempts = {index: 0 for index, c in enumerate(chosen) if c is None}
        while attempts:
            proposals = {index: new_citizen_id(clusters[index], n) for index, n in attempts.items()}
            used = store.citizen_ids_taken(proposals.values())
            retry: dict[int, int] = {}
            for index in sorted(attempts):
                proposal = proposals[index]
                if proposal in used or proposal in taken:
                    retry[index] = attempts[index] + 1
                else:
                    chosen[index] = proposal
                    taken.add(proposal)
            attempts = retry
        return [c for c in chosen if c is not None]

    @staticmethod
    def _reasons(cluster: list[str], edges: list[Edge]) -> dict[str, Edge | None]:
        best: dict[str, Edge | None] = dict.fromkeys(cluster)
        if not edges:
            return best
        for edge in edges:
            if edge.a in best and edge.b in best:
                for key in (edge.a, edge.b):
                    current = best[key]
                    if current is None or (-edge.weight, edge.a, edge.b) < (
                        -current.weight,
                        current.a,
                        current.b,
                    ):
                        best[key] = edge
        return best

    def _reviews(self, edges: list[Edge], where: dict[str, str], constraints: Constraints) -> list[Edge]:
        decided = constraints.cannot_link | constraints.must_link
        return sorted(
            (e for e in edges if where.get(e.a) != where.get(e.b) and (e.a, e.b) not in decided),
            key=lambda e: (e.a, e.b),
        )
