<?php
// What a teacher or administrator changes in a course, from the site's own code, for the
// refresh tests (tests/moodle/test_moodle_refresh.py):
//
//   php edit_course.php CONFIG edit CMID NAME [CONTENT]   rename an activity (and a page's text)
//   php edit_course.php CONFIG add COURSEID SECTION NAME  add a page; prints its cmid
//   php edit_course.php CONFIG hide CMID                  hide an activity from learners
//   php edit_course.php CONFIG unenrol COURSEID USERID    take a learner out of a course
//
// As the settings form does: the instance's timemodified moves, the course cache is rebuilt.

define('CLI_SCRIPT', true);
require($argv[1]);
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/lib/phpunit/classes/util.php'); // Data generators.

\core\session\manager::set_user(get_admin());
$action = $argv[2];

if ($action === 'edit') {
    $cm = get_coursemodule_from_id('', (int)$argv[3], 0, false, MUST_EXIST);
    $record = $DB->get_record($cm->modname, ['id' => $cm->instance], '*', MUST_EXIST);
    $record->name = $argv[4];
    if (isset($argv[5]) && property_exists($record, 'content')) {
        $record->content = $argv[5];
        $record->revision = ($record->revision ?? 0) + 1;
    }
    $record->timemodified = time();
    $DB->update_record($cm->modname, $record);
    rebuild_course_cache($cm->course, true);
} else if ($action === 'add') {
    $page = phpunit_util::get_data_generator()->create_module('page', [
        'course' => (int)$argv[3], 'section' => (int)$argv[4], 'name' => $argv[5],
        'content' => '<p>' . s($argv[5]) . '</p>', 'contentformat' => FORMAT_HTML,
    ]);
    echo (int)$page->cmid, "\n";
} else if ($action === 'hide') {
    $cm = get_coursemodule_from_id('', (int)$argv[3], 0, false, MUST_EXIST);
    set_coursemodule_visible($cm->id, 0);
    rebuild_course_cache($cm->course, true);
} else if ($action === 'unenrol') {
    $instance = $DB->get_record('enrol', ['courseid' => (int)$argv[3], 'enrol' => 'manual'],
        '*', MUST_EXIST);
    enrol_get_plugin('manual')->unenrol_user($instance, (int)$argv[4]);
} else {
    cli_error("unknown action: $action");
}
