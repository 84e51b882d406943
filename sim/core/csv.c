/* wisim csv: the line reader of the strict CSV input files (traffic and
 * mobility traces). It is total: any byte string gives rows or an error
 * "NAME:LINE: ...", and the messages are valid UTF-8 whatever the bytes
 * (tests/fuzz/fuzz-trace.c and fuzz-mobility.c drive it). */
#include <stdarg.h>
#include <string.h>

#include "wisim/csv.h"
#include "wisim/scenario.h"

/* Times below 10^9 s (31 years) fit in ns far below INT64_MAX. */
#define MAX_TIME_DIGITS 9
#define MAX_FRACTION_DIGITS 9
/* A quoted line is cut there: enough to recognise it, short in a message. */
#define MAX_QUOTE_BYTES 40

void ws_csv_reader_init(ws_csv_reader *r, const char *name, const char *data, size_t len,
                        const char *header) {
  g_return_if_fail(r != NULL && name != NULL && header != NULL);
  g_return_if_fail(data != NULL || len == 0);
  *r = (ws_csv_reader){.name = name, .data = data, .len = len, .header = header};
}

ws_csv_status ws_csv_reader_next(ws_csv_reader *r, char **row, GError **error) {
  g_return_val_if_fail(r != NULL && row != NULL, WS_CSV_ERROR);
  *row = NULL;
  while (r->pos < r->len) {
    g_clear_pointer(&r->text, g_free);
    const char *line = r->data + r->pos;
    const char *nl = memchr(line, '\n', r->len - r->pos);
    size_t n = nl ? (size_t)(nl - line) : r->len - r->pos;
    r->pos += n + (nl ? 1 : 0);
    r->line_no++;
    if (n && line[n - 1] == '\r') n--;
    r->raw = line;
    r->raw_len = n;
    if (memchr(line, '\0', n)) {
      ws_csv_fail(r, error, "expected a row %s, found a NUL byte", r->header);
      return WS_CSV_ERROR;
    }
    r->text = g_strstrip(g_strndup(line, n));
    if (!*r->text || *r->text == '#') continue;
    /* The header is optional, and only the first line that is not blank
     * or a comment can be it. */
    bool first = !r->seen_row_or_header;
    r->seen_row_or_header = true;
    if (first && !strcmp(r->text, r->header)) continue;
    *row = r->text;
    return WS_CSV_ROW;
  }
  g_clear_pointer(&r->text, g_free);
  return WS_CSV_END;
}

void ws_csv_reader_clear(ws_csv_reader *r) {
  g_return_if_fail(r != NULL);
  g_clear_pointer(&r->text, g_free);
}

void ws_csv_fail(const ws_csv_reader *r, GError **error, const char *fmt, ...) {
  g_return_if_fail(r != NULL && fmt != NULL);
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID, "%s:%u: %s", r->name,
              MAX(r->line_no, 1u), msg);
  g_free(msg);
}

char *ws_csv_quote(const ws_csv_reader *r) {
  g_return_val_if_fail(r != NULL, NULL);
  /* g_strndup stops at a NUL byte too; next() never hands out such a line. */
  char *raw = g_strndup(r->raw ? r->raw : "", MIN(r->raw_len, MAX_QUOTE_BYTES));
  for (char *c = raw; *c; c++)
    if ((unsigned char)*c >= 0x80) *c = '?';
  char *esc = g_strescape(raw, NULL);
  g_free(raw);
  return esc;
}

bool ws_csv_check_time(ws_csv_reader *r, ws_time t_ns, GError **error) {
  g_return_val_if_fail(r != NULL, false);
  if (r->have_time && t_ns < r->last_ns) {
    char *q = ws_csv_quote(r);
    ws_csv_fail(r, error, "expected times in non-decreasing order, found \"%s\"", q);
    g_free(q);
    return false;
  }
  r->have_time = true;
  r->last_ns = t_ns;
  return true;
}

bool ws_csv_parse_time(const char *s, ws_time *out_ns) {
  g_return_val_if_fail(s != NULL && out_ns != NULL, false);
  int64_t whole = 0, frac = 0;
  int nw = 0, nf = 0;
  const char *p = s;
  for (; g_ascii_isdigit(*p); p++, nw++) {
    if (nw >= MAX_TIME_DIGITS) return false;
    whole = whole * 10 + (*p - '0');
  }
  if (*p == '.') {
    for (p++; g_ascii_isdigit(*p); p++, nf++) {
      if (nf >= MAX_FRACTION_DIGITS) return false;
      frac = frac * 10 + (*p - '0');
    }
  }
  if (*p != '\0' || nw + nf == 0) return false;
  for (int i = nf; i < MAX_FRACTION_DIGITS; i++) frac *= 10;
  *out_ns = whole * 1000000000 + frac;
  return true;
}
