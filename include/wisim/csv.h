/* wisim csv: the line reader shared by the strict CSV input files (traffic
 * trace, mobility trace): data rows stripped, blank and '#' lines, CRLF and
 * an optional header skipped, and errors "NAME:LINE: expected ..., found ..."
 * with the same wording in every file that uses it. */
#ifndef WISIM_CSV_H
#define WISIM_CSV_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "wisim/core.h"

/* One pass over a CSV text held in memory. The fields are private to
 * sim/core/csv.c; the struct is public only so that it can live on the stack. */
typedef struct {
  const char *name;   /* for messages: "NAME:LINE: ..." */
  const char *data;   /* the whole text, not owned */
  size_t len;
  const char *header; /* e.g. "time_s,bytes": the optional header line, also the row shape */
  size_t pos;         /* offset of the next line */
  unsigned line_no;   /* 1-based number of the current line; 0 before the first */
  bool seen_row_or_header;
  const char *raw;    /* the current line as read, without its "\n" or "\r\n" */
  size_t raw_len;
  char *text;         /* the current row, stripped; owned, handed out by next() */
  bool have_time;     /* check_time() has seen a time */
  ws_time last_ns;    /* the time it saw last */
} ws_csv_reader;

/* What ws_csv_reader_next() found. */
typedef enum {
  WS_CSV_END,   /* no more data rows */
  WS_CSV_ROW,   /* a data row */
  WS_CSV_ERROR, /* a line that cannot be a row at all (a NUL byte); error set */
} ws_csv_status;

/* Starts reading `data` (len bytes, any bytes; no final newline needed).
 * `header` is the shape of a row, "time_s,bytes": a first non-blank,
 * non-comment line equal to it is skipped, and messages name it. `name`,
 * `data` and `header` must outlive the reader. */
void ws_csv_reader_init(ws_csv_reader *r, const char *name, const char *data, size_t len,
                        const char *header);

/* Moves to the next data row: lines are split at "\n" (a "\r" before it is
 * dropped), stripped of spaces; blank lines, lines starting with '#' and the
 * header are skipped. On WS_CSV_ROW, *row is the stripped row, which the
 * caller may cut in place; it belongs to the reader and lives until the
 * next call or ws_csv_reader_clear(). A NUL byte in a line is an error
 * "NAME:LINE: expected a row HEADER, found a NUL byte". */
ws_csv_status ws_csv_reader_next(ws_csv_reader *r, char **row, GError **error);

/* Frees what the reader holds (the current row); the reader is done. */
void ws_csv_reader_clear(ws_csv_reader *r);

/* Sets `error` (WS_SCENARIO_ERROR_INVALID) to "NAME:LINE: " and the
 * formatted text, LINE being the current line (1 for an empty text). */
G_GNUC_PRINTF(3, 4)
void ws_csv_fail(const ws_csv_reader *r, GError **error, const char *fmt, ...);

/* The current line as read, for a message: at most 40 bytes, bytes >= 0x80
 * as '?', then escaped as C does (so the message is valid UTF-8 whatever
 * the input). Caller frees. */
char *ws_csv_quote(const ws_csv_reader *r);

/* Checks that a row's time is not before the previous row's (the time given
 * to the previous call); otherwise fails with "NAME:LINE: expected times in
 * non-decreasing order, found \"LINE\"" and returns false. */
bool ws_csv_check_time(ws_csv_reader *r, ws_time t_ns, GError **error);

/* A time field "time_s" as exact ns: digits, optionally '.' and digits, at
 * most 9 before and 9 after the point (so below 10^9 s, far from INT64_MAX
 * in ns), at least one digit in all; no sign, exponent or spaces. */
bool ws_csv_parse_time(const char *s, ws_time *out_ns);

#endif
