"""Where settings come from: the user's file (forgiving: what cannot be used is named and
ignored), the machine policy (strict: anything wrong stops the app) and the environment.
``companion.settings`` declares the settings and merges these layers."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from companion.errors import UserFacingError
from companion.i18n import N_, _

if TYPE_CHECKING:
    from companion.settings import Setting, SettingValue

    Lookup = Callable[[str], Setting[Any] | None]  # a key as written -> its declaration

log = logging.getLogger("companion.settings")


class PolicyError(UserFacingError):
    """The machine policy cannot be read: Companion refuses to start rather than run
    unlocked (a typo must never turn a centre's kiosks into personal computers)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            _("The machine policy file {path} cannot be used: {problem}").format(
                path=path, problem=problem
            ),
            _(
                "Companion will not start until it is fixed. Ask the training centre's"
                " administrator (the file is described in the README, “Configuration”)."
            ),
        )
        self.path = path
        self.problem = problem


class Problem(NamedTuple):
    """Something wrong in the user's file, translated when shown: the file is read before
    the language is known (the language is one of its settings)."""

    template: str  # English source, marked with N_
    fields: Mapping[str, object]

    def __str__(self) -> str:
        return _(self.template).format(**self.fields)


class UserFile(NamedTuple):
    layer: dict[str, SettingValue]
    problems: list[Problem]
    unwritable_hint: str | None  # set when the file must not be rewritten (N_ marked)


def read_user_file(path: Path, known: Lookup) -> UserFile:
    """Read the user's TOML file. What cannot be used is ignored and named in ``problems``;
    a file that cannot be read whole is ignored and never overwritten."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return UserFile({}, [], None)
    except (OSError, UnicodeDecodeError) as error:
        template = N_("{file} cannot be read ({error}); your settings in it are not used.")
        problem = Problem(template, {"file": path, "error": error})
        return _broken(problem, N_("Fix its permissions or remove it, then try again."))
    import tomllib  # most learners have no settings file; start-up skips this import

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        template = N_("{file} has an error at line {line}; none of its settings are used.")
        problem = Problem(template, {"file": path, "line": _decode_error_line(error, text)})
        return _broken(problem, N_("Fix the line or remove the file, then try again."))
    return UserFile(*_user_layer(path, text, data, known), None)


def _broken(problem: Problem, hint: str) -> UserFile:
    log.warning("user settings: %s", problem)
    return UserFile({}, [problem], hint)


def _decode_error_line(error: Exception, text: str) -> int | str:
    """tomllib says where in its message: "... (at line 3, column 7)", or "(at end of
    document)" for something left open, which the last line is where to look."""
    match = re.search(r"at line (\d+)", str(error))
    if match:
        return int(match.group(1))
    return max(1, len(text.splitlines())) if "end of document" in str(error) else "?"


def _user_layer(
    path: Path, text: str, data: Mapping[str, Any], known: Lookup
) -> tuple[dict[str, SettingValue], list[Problem]]:
    layer: dict[str, SettingValue] = {}
    problems: list[Problem] = []
    for key, raw in _flatten(data).items():
        setting = known(key)
        where: dict[str, object] = {"file": path, "line": _line_of(text, key), "key": key}
        if setting is None:
            unknown = N_("{file}, line {line}: unknown setting “{key}”, ignored.")
            problems.append(Problem(unknown, where))
            continue
        try:
            layer[setting.key] = setting.coerce(raw)
        except ValueError as error:
            bad = N_("{file}, line {line}: “{key}” {reason}, ignored.")
            problems.append(Problem(bad, {**where, "reason": error}))
    for problem in problems:
        log.warning("user settings: %s", problem)
    return layer, problems


def read_policy(path: Path, known: Lookup) -> dict[str, SettingValue]:
    """Read the machine policy strictly: a missing file is no policy; anything else that
    is wrong (unreadable, not TOML, an unknown key, a bad value) raises PolicyError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except PermissionError:
        raise PolicyError(path, _("it cannot be read (permission denied).")) from None
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(path, _("it cannot be read ({error}).").format(error=error)) from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib says where: "Expected '=' after a key ... (at line 3, column 7)"
        raise PolicyError(path, _("it is not valid TOML: {error}.").format(error=error)) from None
    layer: dict[str, SettingValue] = {}
    for key, raw in _flatten(data).items():
        setting = known(key)
        if setting is None:
            where = _line_of(text, key)
            raise PolicyError(
                path, _("unknown setting “{key}” (line {line}).").format(key=key, line=where)
            )
        try:
            layer[setting.key] = setting.coerce(raw)
        except ValueError as error:
            where = _line_of(text, key)
            raise PolicyError(
                path,
                _("“{key}” (line {line}) {reason}.").format(key=key, line=where, reason=error),
            ) from None
    return layer


def _line_of(text: str, key: str) -> int | str:
    """The line that sets ``key`` (its last part), for a message an administrator can use."""
    name = key.rsplit(".", 1)[-1]
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|{re.escape(name)})\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else "?"


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = value
    return flat


def environment_layer(
    environ: Mapping[str, str], declared: Iterable[Setting[Any]]
) -> dict[str, SettingValue]:
    layer: dict[str, SettingValue] = {}
    for setting in declared:
        raw = environ.get(setting.env_var)
        if raw is None:
            continue
        try:
            layer[setting.key] = setting.coerce(raw)
        except ValueError as error:
            log.warning("ignoring %s: %s", setting.env_var, error)
    return layer
