"""Scenario replays: whole lifecycles written as YAML, run against the simulator on every ERP.

    from sync_core.replay import Runner, Simulator, load
    with Simulator() as sim:                       # in-process; Simulator("http://127.0.0.1:8080") for a server
        result = Runner(sim).run(load("scenarios/headline.yaml"), "intacct")
        print(result.status)

The format is documented in docs/scenarios.md. ``pytest`` collects ``scenarios/*.yaml`` through
the ``erpsim`` plugin; ``erpsim replay`` runs them from the command line.
"""

from sync_core.replay.env import Binding, Recorder, Simulator, Simulators, Tenant
from sync_core.replay.format import Scenario, ScenarioInvalid, discover, load, parse
from sync_core.replay.runner import RunResult, Runner, StepResult
from sync_core.replay.steps import REGISTRY, Param, Registry
from sync_core.replay.values import ERPS

__all__ = ["ERPS", "REGISTRY", "Binding", "Param", "Recorder", "Registry", "RunResult", "Runner", "Scenario",
           "ScenarioInvalid", "Simulator", "Simulators", "StepResult", "Tenant", "discover", "load", "parse"]
