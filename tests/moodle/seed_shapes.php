<?php
// More course shapes than the shared seed has, for tests/moodle/test_moodle_shapes.py:
//
//   php seed_shapes.php CONFIG
//
// A second learner (karim.benali), enrolled in a second course only (so the shared seed's
// tests keep their one course) that holds: a page with an image embedded in its text, a
// page opened only once that first page is completed, a page opened only at a date to
// come, and a quiz of a several-answer multiple choice and a short answer. Prints the ids
// as JSON. Run once per site, after seed.php.

define('CLI_SCRIPT', true);
require($argv[1]);
require_once($CFG->libdir . '/completionlib.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');
require_once($CFG->dirroot . '/question/engine/bank.php');
require_once($CFG->dirroot . '/lib/phpunit/classes/util.php'); // Data generators.

\core\session\manager::set_user(get_admin());
$gen = phpunit_util::get_data_generator();

$learner = $gen->create_user([
    'username' => 'karim.benali', 'password' => 'Apprenant#2026',
    'firstname' => 'Karim', 'lastname' => 'Benali', 'email' => 'karim.benali@example.fr',
    'country' => 'FR', 'timezone' => 'Europe/Paris',
]);
$course = $gen->create_course([
    'fullname' => 'Atelier numérique : bien débuter', 'shortname' => 'NUM-FR-201',
    'format' => 'topics', 'numsections' => 2, 'enablecompletion' => 1,
]);
$gen->enrol_user($learner->id, $course->id, 'student');

// A page whose text shows an image stored with it (@@PLUGINFILE@@, as the editor saves it).
$image = file_get_contents($CFG->dirroot . '/badges/tests/behat/badge.png');
$poste = $gen->create_module('page', [
    'course' => $course->id, 'section' => 1, 'name' => 'Le poste de travail',
    'content' => '<p>Voici un clavier.</p><p><img src="@@PLUGINFILE@@/clavier.png" '
        . 'alt="Un clavier d’ordinateur" width="100" height="100"></p>',
    'contentformat' => FORMAT_HTML,
    'completion' => COMPLETION_TRACKING_AUTOMATIC, 'completionview' => 1,
]);
get_file_storage()->create_file_from_string([
    'component' => 'mod_page', 'filearea' => 'content',
    'contextid' => context_module::instance($poste->cmid)->id,
    'itemid' => 0, 'filepath' => '/', 'filename' => 'clavier.png',
], $image);

// Opened once the first page is completed; the site says so while it is closed.
$after = json_encode(['op' => '&', 'showc' => [true],
    'c' => [['type' => 'completion', 'cm' => (int)$poste->cmid, 'e' => COMPLETION_COMPLETE]]]);
$exercise = $gen->create_module('page', [
    'course' => $course->id, 'section' => 1, 'name' => 'Exercice guidé',
    'content' => '<p>Ouvrez le traitement de texte.</p>', 'contentformat' => FORMAT_HTML,
    'availability' => $after,
]);
$later = json_encode(['op' => '&', 'showc' => [true],
    'c' => [['type' => 'date', 'd' => '>=', 't' => time() + 30 * 86400]]]);
$dated = $gen->create_module('page', [
    'course' => $course->id, 'section' => 1, 'name' => 'Séance de clôture',
    'content' => '<p>À venir.</p>', 'contentformat' => FORMAT_HTML,
    'availability' => $later,
]);

$quiz = $gen->create_module('quiz', [
    'course' => $course->id, 'section' => 2, 'name' => 'Quiz numérique',
    'grade' => 10, 'sumgrades' => 2, 'gradepass' => 5, 'attempts' => 0,
    'preferredbehaviour' => 'deferredfeedback', 'questionsperpage' => 0,
    'completion' => COMPLETION_TRACKING_AUTOMATIC, 'completionusegrade' => 1,
]);
$quizcontext = context_module::instance($quiz->cmid);
$category = question_get_default_category($quizcontext->id, true);
$ready = \core_question\local\bank\question_version_status::QUESTION_STATUS_READY;
$html = fn(string $text) => ['text' => $text, 'format' => FORMAT_HTML];

$several = (object) ['qtype' => 'multichoice'];
$several = question_bank::get_qtype('multichoice')->save_question($several, (object) [
    'category' => $category->id . ',' . $category->contextid,
    'name' => 'Navigateurs', 'questiontext' => $html('<p>Lesquels sont des navigateurs web ?</p>'),
    'generalfeedback' => $html(''), 'defaultmark' => 1, 'penalty' => 0.3333333, 'status' => $ready,
    'single' => '0', 'shuffleanswers' => 0, 'answernumbering' => 'abc',
    'showstandardinstruction' => 0, 'noanswers' => 4, 'numhints' => 0, 'shownumcorrect' => 1,
    'correctfeedback' => $html(''), 'partiallycorrectfeedback' => $html(''),
    'incorrectfeedback' => $html(''),
    'answer' => [['text' => 'Firefox', 'format' => FORMAT_PLAIN],
        ['text' => 'Chromium', 'format' => FORMAT_PLAIN],
        ['text' => 'Tableur', 'format' => FORMAT_PLAIN],
        ['text' => 'Clé USB', 'format' => FORMAT_PLAIN]],
    'fraction' => ['0.5', '0.5', '-0.5', '-0.5'],
    'feedback' => [$html(''), $html(''), $html(''), $html('')],
]);
$short = (object) ['qtype' => 'shortanswer'];
$short = question_bank::get_qtype('shortanswer')->save_question($short, (object) [
    'category' => $category->id . ',' . $category->contextid,
    'name' => 'Touche', 'questiontext' => $html('<p>Quelle touche efface le caractère à gauche du curseur ?</p>'),
    'generalfeedback' => $html(''), 'defaultmark' => 1, 'penalty' => 0.3333333, 'status' => $ready,
    'usecase' => 0,
    'answer' => ['retour arrière', 'backspace'], 'fraction' => ['1.0', '1.0'],
    'feedback' => [$html(''), $html('')],
]);
$quizrecord = $DB->get_record('quiz', ['id' => $quiz->id], '*', MUST_EXIST);
quiz_add_quiz_question($several->id, $quizrecord, 0, 1);
quiz_add_quiz_question($short->id, $quizrecord, 0, 1);
\mod_quiz\quiz_settings::create($quiz->id)->get_grade_calculator()->recompute_quiz_sumgrades();

rebuild_course_cache($course->id, true);
purge_all_caches();
echo json_encode([
    'learner' => ['id' => (int)$learner->id, 'username' => 'karim.benali', 'password' => 'Apprenant#2026'],
    'course' => (int)$course->id,
    'cmids' => ['poste' => (int)$poste->cmid, 'exercise' => (int)$exercise->cmid,
        'dated' => (int)$dated->cmid, 'quiz' => (int)$quiz->cmid],
    'image_sha1' => sha1($image),
]) . "\n";
