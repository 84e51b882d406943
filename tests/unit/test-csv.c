/* Tests of the CSV line reader (sim/core/csv.c): which lines are rows
 * (comments, blank lines, the optional header, CRLF, no final newline),
 * the line numbers and exact wording of its errors (NUL byte, order of
 * times), the quoting of a bad line, and the exact time field. */
#include <glib.h>
#include <string.h>

#include "wisim/csv.h"
#include "wisim/scenario.h"

/* Reads every row of `text` (len bytes) into "LINE:ROW|" pairs, so that a
 * test sees both the rows and the line each came from; on an error, the
 * message follows "ERROR:". */
static char *read_all(const char *text, size_t len) {
  ws_csv_reader rd;
  ws_csv_reader_init(&rd, "n.csv", text, len, "time_s,x");
  GString *out = g_string_new(NULL);
  GError *error = NULL;
  char *row;
  ws_csv_status st;
  while ((st = ws_csv_reader_next(&rd, &row, &error)) == WS_CSV_ROW)
    g_string_append_printf(out, "%u:%s|", rd.line_no, row);
  if (st == WS_CSV_ERROR) {
    g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
    g_assert_null(row);
    g_string_append_printf(out, "ERROR:%s", error->message);
    g_error_free(error);
  } else {
    g_assert_no_error(error);
    g_assert_null(row);
    /* The end is final: asking again gives the end again. */
    g_assert_cmpint(ws_csv_reader_next(&rd, &row, NULL), ==, WS_CSV_END);
  }
  ws_csv_reader_clear(&rd);
  return g_string_free(out, FALSE);
}

static void check_rows(const char *text, size_t len, const char *want) {
  char *got = read_all(text, len);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
}

#define CHECK_ROWS(text, want) check_rows(text, sizeof(text) - 1, want)

static void test_rows(void) {
  /* Comments, blank lines, CRLF, spaces around a row; the header skipped. */
  CHECK_ROWS("# a comment\r\ntime_s,x\r\n\r\n  1, 2 \r\n\t\n#1,2\n3,4\n", "4:1, 2|7:3,4|");
  /* No final newline: the last line is a row all the same. */
  CHECK_ROWS("1,2\n3,4", "1:1,2|2:3,4|");
  /* The header may follow comments and blank lines, and have spaces. */
  CHECK_ROWS("\n# c\n time_s,x \r\n5,6\n", "4:5,6|");
  /* ... but only as the first line that is neither: later it is a row. */
  CHECK_ROWS("1,2\ntime_s,x\n", "1:1,2|2:time_s,x|");
  CHECK_ROWS("time_s,x\ntime_s,x\n", "2:time_s,x|");
  /* A comment is only a line whose first non-space character is '#'. */
  CHECK_ROWS("  # c\n1,2 # c\n", "2:1,2 # c|");
  /* Only one "\r" is part of the line end; one alone is inside a line. */
  CHECK_ROWS("1\r2\r\r\n", "1:1\r2|");
  /* Nothing at all, or nothing but comments and a header. */
  CHECK_ROWS("", "");
  CHECK_ROWS("\n\r\n# c\ntime_s,x", "");
}

static void test_nul(void) {
  /* A NUL byte is an error on its line, even in a comment or after rows. */
  CHECK_ROWS("1,2\n3\0,4\n", "1:1,2|ERROR:n.csv:2: expected a row time_s,x, found a NUL byte");
  CHECK_ROWS("# c\0\n1,2\n", "ERROR:n.csv:1: expected a row time_s,x, found a NUL byte");
  CHECK_ROWS("\r\n\r\n\0", "ERROR:n.csv:3: expected a row time_s,x, found a NUL byte");
  /* After the end of the given length, a NUL is not read. */
  check_rows("1,2\0", 3, "1:1,2|");
}

/* fail() names the current line; before any line (empty text), line 1. */
static void test_fail(void) {
  static const char text[] = "1,2\n\n# c\n";
  ws_csv_reader rd;
  ws_csv_reader_init(&rd, "n.csv", text, strlen(text), "time_s,x");
  GError *error = NULL;
  ws_csv_fail(&rd, &error, "expected %s, found %d", "a", 7);
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
  g_assert_cmpstr(error->message, ==, "n.csv:1: expected a, found 7");
  g_clear_error(&error);
  char *row;
  g_assert_cmpint(ws_csv_reader_next(&rd, &row, &error), ==, WS_CSV_ROW);
  ws_csv_fail(&rd, &error, "x");
  g_assert_cmpstr(error->message, ==, "n.csv:1: x");
  g_clear_error(&error);
  /* At the end, the last line read: the "found none" case of a parser. */
  g_assert_cmpint(ws_csv_reader_next(&rd, &row, &error), ==, WS_CSV_END);
  ws_csv_fail(&rd, &error, "x");
  g_assert_cmpstr(error->message, ==, "n.csv:3: x");
  g_clear_error(&error);
  ws_csv_fail(&rd, NULL, "ignored when the caller wants no error");
  ws_csv_reader_clear(&rd);
}

/* quote(): the line as read (spaces kept, "\r\n" not), 40 bytes at most,
 * non-ASCII as '?', escaped: a valid UTF-8 piece of a message. */
static void test_quote(void) {
  static const char text[] =
      " a\tb\xc3\xa9\"\\ \r\n"
      "0123456789012345678901234567890123456789TAIL\n";
  ws_csv_reader rd;
  ws_csv_reader_init(&rd, "n.csv", text, strlen(text), "time_s,x");
  char *row;
  g_assert_cmpint(ws_csv_reader_next(&rd, &row, NULL), ==, WS_CSV_ROW);
  g_assert_cmpstr(row, ==, "a\tb\xc3\xa9\"\\");
  char *q = ws_csv_quote(&rd);
  g_assert_cmpstr(q, ==, " a\\tb??\\\"\\\\ ");
  g_assert_true(g_utf8_validate(q, -1, NULL));
  g_free(q);
  /* The row may be cut in place: the quote is of the raw line. */
  row[0] = '\0';
  q = ws_csv_quote(&rd);
  g_assert_cmpstr(q, ==, " a\\tb??\\\"\\\\ ");
  g_free(q);
  g_assert_cmpint(ws_csv_reader_next(&rd, &row, NULL), ==, WS_CSV_ROW);
  q = ws_csv_quote(&rd);
  g_assert_cmpstr(q, ==, "0123456789012345678901234567890123456789");
  g_free(q);
  ws_csv_reader_clear(&rd);
}

/* check_time(): equal times pass, an earlier one is an error on its line. */
static void test_check_time(void) {
  static const char text[] = "a\nb\nc\n\nd\n";
  ws_csv_reader rd;
  ws_csv_reader_init(&rd, "n.csv", text, strlen(text), "time_s,x");
  GError *error = NULL;
  char *row;
  ws_time t_ns[] = {5, 5, 9, 8};
  for (unsigned i = 0; i < 3; i++) {
    g_assert_cmpint(ws_csv_reader_next(&rd, &row, &error), ==, WS_CSV_ROW);
    g_assert_true(ws_csv_check_time(&rd, t_ns[i], &error));
    g_assert_no_error(error);
  }
  g_assert_cmpint(ws_csv_reader_next(&rd, &row, &error), ==, WS_CSV_ROW);
  g_assert_false(ws_csv_check_time(&rd, t_ns[3], &error));
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
  g_assert_cmpstr(error->message, ==, "n.csv:5: expected times in non-decreasing order, found \"d\"");
  g_error_free(error);
  ws_csv_reader_clear(&rd);
}

/* The time field: exact ns, at most 9 digits either side of the point. */
static void test_parse_time(void) {
  struct { const char *s; ws_time want_ns; } good[] = {
      {"0", 0},
      {"1.5", 1500 * WS_MS},
      {".5", 500 * WS_MS},
      {"2.", 2 * WS_S},
      {"0.000000001", 1},
      {"1.000000001", WS_S + 1},
      {"0.1", 100 * WS_MS}, /* exact, where the double 0.1 is not */
      {"000000001", WS_S},
      {"999999999.999999999", 999999999 * WS_S + 999999999},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    ws_time t_ns = -1;
    g_assert_true(ws_csv_parse_time(good[i].s, &t_ns));
    g_assert_cmpint(t_ns, ==, good[i].want_ns);
  }
  const char *bad[] = {"",      ".",    "-1",          "+1",         "1e3",
                       "1 ",    " 1",   "1000000000",  "0.0000000001", "1.2.3",
                       "nan",   "inf",  "0x10",        "1,5",        "1s"};
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    ws_time t_ns = -1;
    g_assert_false(ws_csv_parse_time(bad[i], &t_ns));
    g_assert_cmpint(t_ns, ==, -1); /* untouched on failure */
  }
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/csv/rows", test_rows);
  g_test_add_func("/csv/nul", test_nul);
  g_test_add_func("/csv/fail", test_fail);
  g_test_add_func("/csv/quote", test_quote);
  g_test_add_func("/csv/check-time", test_check_time);
  g_test_add_func("/csv/parse-time", test_parse_time);
  return g_test_run();
}
