<?php
// More of the same site for `scripts/run-bench moodle` (tests/bench/bench_moodle.py), after
// the shared seed (../shared/moodle/seed.php): COURSES more courses the learner is enrolled
// in, each with a page, a label and a small PDF, and in the first one BIG resources of
// SIZE_MB megabytes each (random bytes: nothing on the way can compress them).
//
//   php -d max_input_vars=5000 seed_bench.php CONFIG [COURSES=20] [BIG=3] [SIZE_MB=8]
//
// Prints JSON: {"courses": [course ids], "big": [cmids of the big resources]}.

define('CLI_SCRIPT', true);
require($argv[1]);
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->libdir . '/completionlib.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/lib/phpunit/classes/util.php'); // Data generators.

$ncourses = (int)($argv[2] ?? 20);
$nbig = (int)($argv[3] ?? 3);
$sizemb = (int)($argv[4] ?? 8);
if ($DB->record_exists('course', ['shortname' => 'BENCH-01'])) {
    cli_error('Already seeded (course BENCH-01 exists).');
}
\core\session\manager::set_user(get_admin());
$gen = phpunit_util::get_data_generator();
$learner = $DB->get_record('user', ['username' => 'elodie.lefevre'], '*', MUST_EXIST);

function bench_resource($gen, $courseid, $name, $filename, $bytes) {
    global $USER;
    $draftid = file_get_unused_draft_itemid();
    get_file_storage()->create_file_from_string([
        'component' => 'user', 'filearea' => 'draft', 'itemid' => $draftid,
        'contextid' => context_user::instance($USER->id)->id,
        'filepath' => '/', 'filename' => $filename,
    ], $bytes);
    return $gen->create_module('resource', [
        'course' => $courseid, 'section' => 1, 'name' => $name, 'files' => $draftid,
        'completion' => COMPLETION_TRACKING_MANUAL,
    ]);
}

$courses = [];
$big = [];
for ($i = 1; $i <= $ncourses; $i++) {
    $code = sprintf('BENCH-%02d', $i);
    $course = $gen->create_course([
        'fullname' => "Cours d’essai $i", 'shortname' => $code, 'idnumber' => $code,
        'format' => 'topics', 'numsections' => 2, 'enablecompletion' => 1,
    ]);
    $gen->enrol_user($learner->id, $course->id, 'student');
    $gen->create_module('page', [
        'course' => $course->id, 'section' => 1, 'name' => "Lecture $i",
        'content' => str_repeat("<p>Texte de la leçon $i.</p>", 40), 'contentformat' => FORMAT_HTML,
        'completion' => COMPLETION_TRACKING_AUTOMATIC, 'completionview' => 1,
    ]);
    $gen->create_module('label', [
        'course' => $course->id, 'section' => 1, 'intro' => "<p>À savoir ($i).</p>",
        'introformat' => FORMAT_HTML,
    ]);
    bench_resource($gen, $course->id, "Fiche $i (PDF)", "fiche-$i.pdf",
        "%PDF-1.4\n" . random_bytes(20000) . "\n%%EOF\n");
    if ($i === 1) {
        for ($b = 1; $b <= $nbig; $b++) {
            $cm = bench_resource($gen, $course->id, "Vidéo $b", "video-$b.bin",
                random_bytes($sizemb * 1000 * 1000));
            $big[] = (int)$cm->cmid;
        }
    }
    $courses[] = (int)$course->id;
}
echo json_encode(['courses' => $courses, 'big' => $big]), "\n";
