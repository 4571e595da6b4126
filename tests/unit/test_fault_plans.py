import pytest

from companion.sandbox.faults import FaultPlan, Faults, parse_cli, plan_from_json


def test_cli_specs_become_a_plan():
    plan = parse_cli(
        [
            "latency=200",
            "bandwidth=50000",
            "drop-after=1000",
            "status=503",
            "retry-after=2",
            "malformed-json",
            "first-byte-delay=1500",
            "path=/v1/assets",
            "times=3",
        ]
    )
    assert plan == FaultPlan(
        latency_ms=200,
        bandwidth_bps=50000,
        drop_after_bytes=1000,
        status=503,
        retry_after=2,
        malformed_json=True,
        first_byte_delay_ms=1500,
        path_prefix="/v1/assets",
        times=3,
    )


@pytest.mark.parametrize("spec", ["teleport=1", "latency=soon"])
def test_bad_cli_specs_are_refused(spec):
    with pytest.raises(ValueError):
        parse_cli([spec])


def test_plans_from_json_refuse_unknown_fields():
    with pytest.raises(ValueError, match="explode"):
        plan_from_json({"explode": True})


def test_times_limits_how_many_requests_are_hit():
    faults = Faults()
    faults.set(status=503, path_prefix="/v1/assets", times=2)
    assert faults.take("/v1/catalog") is None
    assert faults.take("/v1/assets/x") is not None
    assert faults.take("/v1/assets/x") is not None
    assert faults.take("/v1/assets/x") is None
    assert faults.injected == 2
