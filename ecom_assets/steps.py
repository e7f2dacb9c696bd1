"""Many tables, one step: the warehouse is entered once per layer and cadence, not once per table.

A table is a :class:`TableAsset`: its ``AssetSpec`` (key, deps, description, tags) and how to
build it in a run (a :class:`~ecom_assets.warehouse.TableBuild`). :func:`engine_steps` groups
the tables of a layer that share a partitioning into one ``@multi_asset(can_subset=True)``
step, the way dagster-dbt runs a whole dbt build as one step: every table is still its own
asset in the graph, selectable alone, with its own materializations and checks, but a range
run of the daily tables is three steps (bronze, silver, gold), not a hundred.

Inside a step the tables are built in dependency order, and each check runs as soon as every
table it reads that the step builds is written. Checks are evaluated on the partitions the
run wrote (see ``ecom_assets.checks.Claim.scoped``), so their cost follows the run, not the
history. A failed blocking check stops the tables downstream of its table in the same step
(they are skipped, not written), and the step then fails naming the check, so later steps
do not run either.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from graphlib import TopologicalSorter
from typing import Any, Protocol

import dagster as dg
import duckdb

from ecom_assets.partitions import DAILY, SINGLE_RUN
from ecom_assets.warehouse import TableBuild, Window


@dataclass(frozen=True)
class StepResources:
    """What a table's build may use besides the warehouse connection: the landing zone (bronze)."""

    landing: Any  # ecom_assets.resources.LandingZone, None outside the bronze step


@dataclass(frozen=True)
class TableAsset:
    """One warehouse table: its spec and how a run builds it."""

    spec: dg.AssetSpec
    build: Callable[[dg.AssetExecutionContext, StepResources], TableBuild]
    partitions_def: dg.PartitionsDefinition | None
    sql: str | None = None  # the query of a SQL table (``$start``/``$end`` bound to a window)
    # Tables to build before this one when the same step builds them: an order, not a dependency
    # (a failed check of theirs does not stop this table).
    builds_after: frozenset[dg.AssetKey] = frozenset()

    @property
    def key(self) -> dg.AssetKey:
        return self.spec.key

    @property
    def partition_expr(self) -> str | None:
        return self.spec.metadata.get("partition_expr")

    def partition_mapping(self, upstream: dg.AssetKey) -> dg.PartitionMapping | None:
        """The mapping this table declares to an upstream table (None: the default, same days)."""
        return next((d.partition_mapping for d in self.spec.deps if d.asset_key == upstream), None)


class StepCheck(Protocol):
    """A check evaluated inside the step that builds its table (a ``Claim`` is one)."""

    @property
    def spec(self) -> dg.AssetCheckSpec: ...

    def run(self, conn: duckdb.DuckDBPyConnection, scope: "Scope") -> dg.AssetCheckResult: ...


@dataclass(frozen=True)
class Scope:
    """The partitions a run wrote, for checks: a window of days (None = whole table) and, per
    table, the column its partitions are cut by."""

    window: Window
    partition_exprs: dict[str, str]
    daily: bool

    @property
    def days(self) -> list[date]:
        if self.window is None:
            return []
        start, end = self.window
        return [date.fromordinal(d) for d in range(start.toordinal(), end.toordinal())]


ERROR = dg.AssetCheckSeverity.ERROR
LAYERS = ("bronze", "silver", "gold", "upkeep")
# Run tag naming the drops bronze could not read: the run's last step fails naming them.
UNREADABLE_TAG = "ecom/unreadable_drops"


def report_unreadable(context: dg.AssetExecutionContext, unreadable: dict[date, str]) -> None:
    """Add the drops that could not be read, and why, to the run's tag (see :func:`fail_if_unreadable`)."""
    if not unreadable:
        return
    run = context.instance.get_run_by_id(context.run_id)
    known = json.loads(run.tags.get(UNREADABLE_TAG, "{}")) if run else {}
    for day, reason in unreadable.items():
        known.setdefault(day.isoformat(), []).append(reason)
    context.instance.add_run_tags(context.run_id, {UNREADABLE_TAG: json.dumps(known, sort_keys=True)})


def fail_if_unreadable(context: dg.AssetExecutionContext, layer: str) -> None:
    """The last layer's step of a run fails, once its work is done, if a drop could not be read:
    the other days are loaded and materialized, and the run fails naming the bad days."""
    run = context.instance.get_run_by_id(context.run_id)
    bad = json.loads(run.tags.get(UNREADABLE_TAG, "{}")) if run else {}
    later = LAYERS[LAYERS.index(layer) + 1 :]
    steps_of_the_run = [node.name for node in context.job_def.all_node_defs]
    if not bad or any(name.split("_")[0] in later for name in steps_of_the_run):
        return
    reasons = "; ".join(f"{day}: {' / '.join(why)}" for day, why in sorted(bad.items()))
    raise dg.Failure(
        description=f"Drops that could not be read were not loaded, every other day was: {reasons}",
        metadata={"unreadable_days": ", ".join(sorted(bad))},
    )


# Every table built by an engine step, by warehouse name: how its partitions are cut.
PARTITION_EXPRS: dict[str, str] = {}


def run_window(context: dg.AssetExecutionContext, partitions_def: dg.PartitionsDefinition | None) -> Window:
    """The run's whole partition window in days (None for an unpartitioned step)."""
    if partitions_def is None or not (context.has_partition_key_range or context.has_partition_key):
        return None
    tw = context.partition_time_window
    return tw.start.date(), tw.end.date()


def _output_name(key: dg.AssetKey) -> str:
    return key.to_python_identifier()


def _checks_after(
    order: list[dg.AssetKey], checks: Sequence[StepCheck], built_here: set[dg.AssetKey]
) -> dict[dg.AssetKey, list[StepCheck]]:
    """Each check placed after the last table it reads that this step builds."""
    position = {key: i for i, key in enumerate(order)}
    placed: dict[dg.AssetKey, list[StepCheck]] = {key: [] for key in order}
    for check in checks:
        reads = [check.spec.asset_key, *(d.asset_key for d in check.spec.additional_deps)]
        last = max((k for k in reads if k in built_here), key=position.__getitem__)
        placed[last].append(check)
    return placed


def _offsets(dep: dg.AssetDep) -> tuple[int, int]:
    mapping = dep.partition_mapping
    if isinstance(mapping, dg.TimeWindowPartitionMapping):
        return mapping.start_offset, mapping.end_offset
    return 0, 0


def unified_deps(tables: Sequence[TableAsset]) -> list[dg.AssetDep]:
    """One partition mapping per upstream asset of the step: the widest any of its tables declares.

    A multi-asset has one mapping per upstream asset, so a day of every table of the step waits
    on, and is shown stale by, the days any table of the step reads (what each table really reads,
    ``ecom_assets.incremental`` decides from the table's own deps).
    """
    spans: dict[dg.AssetKey, list[tuple[int, int]]] = {}
    declared: dict[dg.AssetKey, list[dg.PartitionMapping | None]] = {}
    for t in tables:
        for dep in t.spec.deps:
            spans.setdefault(dep.asset_key, []).append(_offsets(dep))
            declared.setdefault(dep.asset_key, []).append(dep.partition_mapping)
    deps = []
    for key, found in spans.items():
        first, last = min(a for a, _ in found), max(b for _, b in found)
        if (first, last) == (0, 0) and all(m is None for m in declared[key]):
            deps.append(dg.AssetDep(key))
        else:
            widened = dg.TimeWindowPartitionMapping(
                first, last, allow_nonexistent_upstream_partitions=(first, last) != (0, 0)
            )
            deps.append(dg.AssetDep(key, partition_mapping=widened))
    return deps


def _out(spec: dg.AssetSpec) -> dg.AssetOut:
    """The step's output of one table (written by the IO manager; skipped after a failed check)."""
    return dg.AssetOut(
        key=spec.key,
        dagster_type=object,
        description=spec.description,
        is_required=False,
        metadata=spec.metadata,
        group_name=spec.group_name,
        automation_condition=spec.automation_condition,
        owners=list(spec.owners),
        tags=spec.tags,
        kinds=set(spec.kinds),
        freshness_policy=spec.freshness_policy,
    )


def engine_step(
    name: str, tables: Sequence[TableAsset], checks: Sequence[StepCheck]
) -> dg.AssetsDefinition:
    """One step building ``tables`` (same partitioning) and evaluating ``checks`` on them."""
    partitions_def = tables[0].partitions_def
    assert all(t.partitions_def == partitions_def for t in tables), name
    by_key = {t.key: t for t in tables}
    graph = {t.key: {d.asset_key for d in t.spec.deps if d.asset_key in by_key} for t in tables}
    ordering = {key: deps | (by_key[key].builds_after & set(by_key)) for key, deps in graph.items()}
    order = list(TopologicalSorter(ordering).static_order())
    placed = _checks_after(order, checks, set(by_key))
    layer = tables[0].spec.tags["layer"]
    reads_landing = layer == "bronze"
    for t in tables:
        if t.partition_expr:
            PARTITION_EXPRS[".".join(t.key.path)] = t.partition_expr

    @dg.multi_asset(
        name=name,
        outs={_output_name(t.key): _out(t.spec) for t in tables},
        deps=[d for d in unified_deps(tables) if d.asset_key not in by_key],
        internal_asset_deps={
            _output_name(t.key): {d.asset_key for d in t.spec.deps} for t in tables
        },
        check_specs=[c.spec for c in checks],
        can_subset=True,
        partitions_def=partitions_def,
        backfill_policy=SINGLE_RUN if partitions_def else None,
        pool="duckdb",  # it writes the warehouse: one writer at a time
        required_resource_keys={"landing", "warehouse"} if reads_landing else {"warehouse"},
    )
    def _step(context: dg.AssetExecutionContext) -> Iterator:
        warehouse = context.resources.warehouse
        resources = StepResources(context.resources.landing if reads_landing else None)
        selected, selected_checks = context.selected_asset_keys, context.selected_asset_check_keys
        scope = Scope(run_window(context, partitions_def), PARTITION_EXPRS, partitions_def == DAILY)
        stopped: set[dg.AssetKey] = set()
        with warehouse.get_connection() as conn:  # held for the step: every write shares it
            for key in order:
                if key not in selected:
                    continue
                if graph[key] & stopped:
                    context.log.warning(f"{key.to_user_string()} not built: a blocking check upstream failed")
                    stopped.add(key)
                    continue
                yield dg.Output(by_key[key].build(context, resources), output_name=_output_name(key))
                for check in placed[key]:
                    if check.spec.key not in selected_checks:
                        continue
                    result = check.run(conn, scope)
                    yield result
                    if check.spec.blocking and not result.passed and result.severity == ERROR:
                        stopped.add(check.spec.asset_key)
        fail_if_unreadable(context, layer)

    return _step


def engine_steps(
    layer: str, tables: Sequence[TableAsset | dg.AssetsDefinition], checks: Sequence[StepCheck]
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The layer's tables as one step per partitioning (``<layer>_<cadence>``), each with the
    checks of its tables; ready-made asset definitions pass through, and checks of tables no
    step builds become checks of their own."""
    from ecom_assets.checks import claim_check

    groups: dict[str, list[TableAsset]] = {}
    passthrough = [t for t in tables if isinstance(t, dg.AssetsDefinition)]
    for t in tables:
        if isinstance(t, TableAsset):
            groups.setdefault(t.spec.tags["cadence"], []).append(t)
    steps, placed = [], set()
    for cadence, members in groups.items():
        keys = {t.key for t in members}
        mine = [c for c in checks if c.spec.asset_key in keys]
        placed |= {id(c) for c in mine}
        steps.append(engine_step(f"{layer}_{cadence}", members, mine))
    standalone = [claim_check(c) for c in checks if id(c) not in placed]
    return [*steps, *passthrough], standalone


@dataclass(frozen=True)
class CustomCheck:
    """A check written as Python: ``evaluate(conn, window)`` over the run's window (None = all)."""

    spec: dg.AssetCheckSpec
    evaluate: Callable[[duckdb.DuckDBPyConnection, Window], dg.AssetCheckResult]

    def run(self, conn: duckdb.DuckDBPyConnection, scope: Scope) -> dg.AssetCheckResult:
        result = self.evaluate(conn, scope.window)
        return result._replace(asset_key=self.spec.asset_key, check_name=self.spec.name)


def definitions_for(
    items: Sequence[object],
) -> list[dg.AssetsDefinition | dg.AssetChecksDefinition]:
    """Asset and check definitions for any mix of tables, checks and ready-made definitions: the
    tables as steps per layer and cadence (what the layers do; tests and tools build subsets)."""
    tables = [i for i in items if isinstance(i, TableAsset)]
    checks = [i for i in items if hasattr(i, "run") and hasattr(i, "spec")]
    ready = [i for i in items if isinstance(i, (dg.AssetsDefinition, dg.AssetChecksDefinition))]
    layers: dict[str, list[TableAsset]] = {}
    for t in tables:
        layers.setdefault(t.spec.tags["layer"], []).append(t)
    built = {t.key for t in tables}
    out: list[dg.AssetsDefinition | dg.AssetChecksDefinition] = []
    for layer, members in layers.items():
        keys = {t.key for t in members}
        steps, _ = engine_steps(layer, members, [c for c in checks if c.spec.asset_key in keys])
        out += steps
    from ecom_assets.checks import claim_check

    out += [claim_check(c) for c in checks if c.spec.asset_key not in built]
    return [*out, *ready]
