"""The ``erpsim`` pytest plugin: scenario files as tests, and fixtures for a project's own tests.

Scenario files in a ``scenarios`` directory (or the directories named by the ``erpsim_scenarios``
ini option) are collected as one test per scenario and ERP: ``headline[intacct]``. A file that
does not validate shows up as one failing test naming the file, the step and the problem.

Fixtures:

- ``erpsim_simulator`` (session): the simulator, in this process (or the one at ``--erpsim-against``);
- ``erpsim_server`` (session): the real app under uvicorn on a free loopback port;
- ``erpsim_erp``: the ERP the next fixtures bind to (``intacct``; parametrize it to change);
- ``erpsim_tenant``: a fresh tenant seeded with the demo company, removed afterwards;
- ``erpsim_binding`` / ``erpsim_company``: a sync-core company connected to that tenant;
- ``erpsim_faults``: that tenant's fault rules (``add``, ``rules``, ``remove``, ``clear``);
- ``erpsim_journal``: that tenant's request journal (``entries``, ``entry``, ``count``, ``clear``).

Options: ``--erpsim-erp ERP`` (repeatable) limits scenarios to some ERPs; ``--erpsim-against URL``
runs scenarios and fixtures against a simulator already running there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from sync_core.replay.env import Binding, Simulator, Simulators, Tenant
    from sync_core.replay.format import Scenario, ScenarioInvalid
    from sync_core.replay.runner import RunResult

POOL = pytest.StashKey["Simulators"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("erpsim", "erpsim scenario replays")
    group.addoption("--erpsim-erp", action="append", default=None, metavar="ERP",
                    help="replay scenarios only on this ERP (intacct, sage100, acumatica); repeatable")
    group.addoption("--erpsim-against", default=None, metavar="URL",
                    help="replay scenarios (and build fixtures) against a simulator running at URL")
    parser.addini("erpsim_scenarios", type="args", default=["scenarios"],
                  help="directories whose *.yaml files are scenario files (default: scenarios)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: large or long-running checks")


def _scenario_dirs(config: pytest.Config) -> list[Path]:
    root = Path(config.rootpath)
    return [(root / d).resolve() for d in config.getini("erpsim_scenarios")]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    resolved = file_path.resolve()
    if not any(d == resolved.parent or d in resolved.parents for d in _scenario_dirs(parent.config)):
        return None
    return ScenarioFile.from_parent(parent, path=file_path)


def _pool(config: pytest.Config) -> Simulators:
    from sync_core.replay.env import Simulators

    pool = config.stash.get(POOL, None)
    if pool is None:
        pool = Simulators(config.getoption("erpsim_against"))
        config.stash[POOL] = pool
    return pool


def pytest_unconfigure(config: pytest.Config) -> None:
    pool = config.stash.get(POOL, None)
    if pool is not None:
        pool.close()


def _erps(config: pytest.Config) -> tuple[str, ...]:
    from sync_core.replay.values import ERPS, norm

    chosen = config.getoption("erpsim_erp")
    if not chosen:
        return ERPS
    names = {norm(part) for item in chosen for part in item.split(",")}
    bad = sorted(names - set(ERPS))
    if bad:
        raise pytest.UsageError(f"--erpsim-erp: unknown ERP {', '.join(bad)}; choose from {', '.join(ERPS)}")
    return tuple(e for e in ERPS if e in names)


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from sync_core.replay.format import ScenarioInvalid, load

        try:
            scenario = load(self.path)
        except ScenarioInvalid as exc:
            yield InvalidScenario.from_parent(self, name=self.path.stem, error=exc)
            return
        wanted = _erps(self.config)
        for erp in scenario.erps:
            if erp not in wanted:
                continue
            item = ScenarioItem.from_parent(self, name=scenario.item_id(erp), scenario=scenario, erp=erp)
            if scenario.slow:
                item.add_marker(pytest.mark.slow)
            yield item


class ScenarioFailed(Exception):
    def __init__(self, result: RunResult) -> None:
        super().__init__(result.item_id)
        self.result = result


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, erp: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.erp = erp

    def runtest(self) -> None:
        from sync_core.replay.runner import Runner

        result = Runner(_pool(self.config)).run(self.scenario, self.erp)
        self.user_properties.append(("seconds", round(result.seconds, 3)))
        if not result.ok:
            raise ScenarioFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            from sync_core.replay.report import failure_text

            return failure_text(excinfo.value.result)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"scenario {self.name}: {self.scenario.title}"


class InvalidScenario(pytest.Item):
    def __init__(self, *, error: ScenarioInvalid, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return f"invalid scenario file:\n{self.error}"

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"scenario file {self.path.name}"


# -- fixtures for a project's own tests -----------------------------------------------------------


@pytest.fixture(scope="session")
def erpsim_simulator(pytestconfig: pytest.Config) -> Iterator[Simulator]:
    """The simulator with every ERP room: in this process, or the one given with --erpsim-against."""
    from sync_core.replay.env import Simulator

    simulator = Simulator(pytestconfig.getoption("erpsim_against"))
    yield simulator
    simulator.close()


@pytest.fixture(scope="session")
def erpsim_server() -> Iterator[Simulator]:
    """The real app under uvicorn on a free 127.0.0.1 port, for clients that need a socket (``.url``)."""
    from sync_core.replay.env import Simulator

    simulator = Simulator.threaded()
    yield simulator
    simulator.close()


@pytest.fixture
def erpsim_erp() -> str:
    """The ERP ``erpsim_binding`` and ``erpsim_company`` connect to; parametrize it to choose another."""
    return "intacct"


@pytest.fixture
def erpsim_tenant(erpsim_simulator: Simulator) -> Iterator[Tenant]:
    """A fresh tenant seeded with the demo company, removed after the test."""
    tenant = erpsim_simulator.create_tenant("demo")
    yield tenant
    erpsim_simulator.delete_tenant(tenant.id)


@pytest.fixture
def erpsim_binding(erpsim_simulator: Simulator, erpsim_tenant: Tenant, erpsim_erp: str) -> Iterator[Binding]:
    """A sync-core company connected to ``erpsim_tenant`` in ``erpsim_erp``, with the wire recorded."""
    from sync_core.replay.env import Binding

    binding = Binding.create(erpsim_simulator, erpsim_erp, tenant=erpsim_tenant)
    yield binding
    binding.close()


@pytest.fixture
def erpsim_company(erpsim_binding: Binding) -> Any:
    """The sync-core ``Company`` of ``erpsim_binding``: ``company.imports``, ``company.projects``..."""
    return erpsim_binding.company


@pytest.fixture
def erpsim_faults(erpsim_simulator: Simulator, erpsim_tenant: Tenant) -> Iterator[Any]:
    """``erpsim_tenant``'s fault rules: ``erpsim_faults.add(erp="intacct", fault="reset", first=1)``."""
    from sync_core.replay.faults import Faults

    faults = Faults(erpsim_simulator, erpsim_tenant.id)
    yield faults
    faults.clear()


@pytest.fixture
def erpsim_journal(erpsim_simulator: Simulator, erpsim_tenant: Tenant) -> Any:
    """``erpsim_tenant``'s request journal: ``erpsim_journal.count(operation="create", object="APBILL")``."""
    from sync_core.replay.faults import Journal

    return Journal(erpsim_simulator, erpsim_tenant.id)
