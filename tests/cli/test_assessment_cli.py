"""`jtflow assessment weights` and `weight` (A1, A5): the bureau's weights, kept with who set
them; only 管理员 or 分管领导 may."""

from __future__ import annotations

from engine.assessment.weights import current_weights


def test_weights_show_the_defaults_and_a_change_is_kept(cli, jtflow):  # type: ignore[no-untyped-def]
    shown = cli("assessment", "weights")
    assert shown.exit_code == 0 and "feedback_on_time\t25\t默认" in shown.output
    made = cli(
        "assessment", "weight", "feedback_on_time", "30", "--as", "deputy", "--note", "局务会"
    )
    assert made.exit_code == 0, made.output
    with jtflow.sessions() as db:
        weight = current_weights(db)["feedback_on_time"]
    assert (weight.value, weight.set_by) == (30.0, "deputy")
    assert "feedback_on_time\t30\tdeputy" in cli("assessment", "weights").output


def test_only_the_bureau_sets_weights_and_names_are_checked(cli):  # type: ignore[no-untyped-def]
    refused = cli("assessment", "weight", "feedback_on_time", "30", "--as", "bus_handler")
    assert refused.exit_code == 1 and "不能设定考核权重" in refused.output
    unknown = cli("assessment", "weight", "speed", "3", "--as", "admin")
    assert unknown.exit_code == 1 and "没有名为 speed 的权重" in unknown.output
    negative = cli("assessment", "weight", "closure_target_wd", "0", "--as", "admin")
    assert negative.exit_code == 1 and "目标应大于 0" in negative.output
