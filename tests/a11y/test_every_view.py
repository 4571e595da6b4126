"""Every view read over AT-SPI, as a screen reader reads it (issue 27): no control a learner
acts on without a name; answers tied to their question; the sync state's labels named by
what they say."""

from __future__ import annotations

from tests.a11y.atspi import INTERACTIVE_ROLES, Node
from tests.policy_helpers import kiosk_policy, use_policy


def unnamed(tree: Node, view: str) -> list[str]:
    """Each control shown without a name, with where it is."""
    found = []

    def visit(node: Node, where: list[str]) -> None:
        here = [*where, f"{node.role}:{node.name[:30]!r}"]
        if node.showing and node.role in INTERACTIVE_ROLES and not node.name.strip():
            found.append(f"{view}: {' > '.join(here[-4:])} (description {node.description!r})")
        for child in node.children:
            visit(child, here)

    visit(tree, [])
    return found


def walk(companion, views: list[tuple[str, str]], trees: dict[str, Node]) -> list[str]:
    problems = []
    for view, step in views:
        companion.run(f"import tests.a11y.steps as steps\n{step}")
        trees[view] = companion.tree()
        problems += unnamed(trees[view], view)
    return problems


def answers_without_their_question(tree: Node) -> list[str]:
    """Radio buttons and check boxes of a quiz that do not say which question they answer
    (Tab read "int, radio button")."""
    return [
        f"{node.role} {node.name!r} {node.description!r}"
        for node in tree.walk()
        if node.showing
        and node.role in ("radio button", "check box")
        and not node.description.startswith("Question ")
    ]


def sync_labels(tree: Node) -> list[Node]:
    group = tree.one("filler", "État de la synchronisation")
    return [node for node in group.children if node.role == "label" and node.showing]


def test_every_view_names_every_control(companion, platform_env):
    trees: dict[str, Node] = {}
    problems = walk(
        companion,
        [
            ("home", "steps.settled(window)"),
            ("welcome", "dialog = steps.welcome(window)"),
            ("home", "dialog.reject(); steps.settled(window)"),
            ("catalogue", "steps.catalogue(window)"),
            ("library, empty", "steps.library_empty(window)"),
            ("account, browser", "steps.account_browser(window)"),
            ("account, QR code", "view = steps.account_qr(window)"),
            ("certificates", "steps.certificates(window)"),
            ("diagnostic", "controller = steps.diagnostic(window)"),
            (
                "library, course selected",
                "controller.window.close(); steps.course_selected(window)",
            ),
        ],
        trees,
    )
    platform_env.faults.set(bandwidth_bps=40_000, path_prefix="/v1/assets/")
    problems += walk(companion, [("library, downloading", "steps.start_download(window)")], trees)
    platform_env.faults.clear()
    problems += walk(
        companion,
        [
            ("library, downloaded", "steps.downloaded(window)"),
            ("reader, text", "steps.open_chapter(window, steps.TEXT_CHAPTER)"),
            ("reader, image", "steps.open_chapter(window, steps.IMAGE_CHAPTER)"),
            ("reader, links", "steps.open_chapter(window, steps.LINK_CHAPTER)"),
            ("reader, quiz", "steps.open_chapter(window, steps.QUIZ)"),
            ("reader, quiz result", "steps.answer_quiz(window, right=False)"),
            ("library, back to the outline", "window.library_view.back_to_outline(); wait(0.5)"),
            ("reader, quiz again", "steps.answer_quiz(window, right=True)"),
            ("library, outline again", "window.library_view.back_to_outline(); wait(0.5)"),
            ("home, with a course", "window.tabs.setCurrentIndex(0); steps.settled(window)"),
        ],
        trees,
    )
    assert not problems, "\n".join(problems)
    # The download under way: its bar named with its course (it had no name).
    bars = [node.name for node in trees["library, downloading"].find("progress bar")]
    assert any("Les bases de la sécurité sur un chantier" in name for name in bars), bars
    # Titles and questions are headings (a screen reader's "next heading" found none).
    headings = {view: [node.name for node in tree.find("heading")] for view, tree in trees.items()}
    assert "Accueil" in headings["home"], headings
    assert "Catalogue des formations" in headings["catalogue"], headings
    assert "Les principaux dangers d'un chantier" in headings["reader, text"], headings
    prompts = [name for name in headings["reader, quiz"] if name[:2] in ("1.", "2.", "3.")]
    assert len(prompts) == 3, headings["reader, quiz"]
    # Each heading says its level: a view's title 1, a question 2, a chapter's its own.
    levels = {
        (view, node.name): node.level
        for view, tree in trees.items()
        for node in tree.find("heading")
    }
    assert all(level and int(level) >= 1 for level in levels.values()), levels
    assert levels["catalogue", "Catalogue des formations"] == "1"
    assert levels["reader, quiz", prompts[0]] == "2"
    assert levels["reader, text", "Pourquoi la sécurité d'abord"] == "2"
    # No unnamed "layered pane" (a stack of pages): Orca said « layered pane » three times
    # whenever the focus entered a chapter (tests/a11y/orca_probe.py).
    panes = [(view, n.name) for view, t in trees.items() for n in t.find("layered pane")]
    assert not panes, panes
    # A chapter's links and images are objects of their own (see test_chapter_reading).
    assert trees["reader, links"].find("link", "Fiche mémo du cours (PDF)", showing=False)
    assert trees["reader, image"].find("graphic")
    # A quiz's answers say their question; its three questions are all there.
    quiz = trees["reader, quiz"]
    assert not answers_without_their_question(quiz)
    asked = {node.description.split(":")[0] for node in quiz.find("radio button")}
    asked |= {node.description.split(":")[0] for node in quiz.find("check box")}
    assert asked >= {"Question 1 ", "Question 2 ", "Question 3 "}, asked
    # The sync state's labels: each named by what it says, no two alike (both were "Sync
    # status", the words in a description only).
    labels = sync_labels(companion.tree())
    names = [label.name for label in labels]
    assert len(set(names)) == len(names), names
    line = companion.run("result = window.sync_indicator._label.full_text")
    assert repr(names[1]) == line, (names, line)  # the whole line, even when cut on screen


def test_the_kiosk_sign_in_names_every_control(launch, companion_home, monkeypatch, platform_env):
    use_policy(companion_home, monkeypatch, kiosk_policy(idle_minutes=5))
    companion = launch()
    companion.run(
        "window.kiosk(idle_seconds=300); view = window.account_view\n"
        "wait_until(lambda: view.pages.currentWidget() is view.device and view.user_code.text())"
    )
    tree = companion.tree()
    assert not unnamed(tree, "kiosk sign-in")
    qr = [node for node in tree.walk() if node.showing and node.name.startswith("QR code")]
    assert qr, tree.dump()
