"""The doctor from inside the running app (the Diagnostic window): its own platform
connection and signed-in session are used, so the check is exactly what a sync would see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.services.doctor import Diagnosis, DoctorInputs, diagnose

if TYPE_CHECKING:
    from companion.app.context import AppContext


def diagnose_running(context: AppContext, qt_version: str = "") -> Diagnosis:
    inputs = DoctorInputs(
        paths=context.paths,
        settings=context.settings,
        profile=context.profile,
        profile_dir=context.profile_dir,
        shared_assets_dir=context.shared_assets_dir,
        account_dir=context.account.account_file.parent,
        base_url=context.connection.api().address,
        demo=context.connection.is_demo,
        account=context.account,
        qt_version=qt_version,
        sync_status=context.sync.status() if context.sync is not None else None,
    )
    return diagnose(inputs)
