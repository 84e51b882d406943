/* wisim scenario loader: reads a scenario file line by line with its own line
 * index, applies --set overrides, checks every group, key, value and
 * reference against the schema (schema.c), and collects every problem with
 * its line before anything runs. Also rebuilds the text as run and its hash.
 *
 * Why not GKeyFile alone: it merges duplicate groups and keys silently and
 * stops at the first syntax error without a line number; users need every
 * problem, each with its line. The syntax accepted is GKeyFile's subset that
 * SCENARIO-FORMAT.md describes (plus " #" comments after a value).
 *
 * Invariants after a successful load: every group has a known, supported
 * kind; every given key is known, supported and valid (e->valid); every
 * reference names an existing entity of an allowed kind; [simulation]
 * exists; sc->core is the file's [router core] or a built-in group. */
#include "wisim/scenario.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario-int.h"

/* Files larger than this are not scenarios (and would only slow the error). */
#define MAX_FILE_BYTES (64u << 20) /* "64 MiB" in its message */
/* Longest word for which a did-you-mean is computed (the distance is O(n m)). */
#define MAX_SUGGEST_LEN 64
/* Found text longer than this is shortened in messages. */
#define MAX_QUOTE_CHARS 60

#define NOT_YET "not supported yet in this version of wisim"

/* One key = value of a group. */
typedef struct {
  char *key;               /* as written, trimmed */
  char *value;             /* the value as run: the file's, or an override's */
  int line;                /* line in the file; 0 when added by an override */
  const char *set;         /* the override that gave the value (in sc->overrides), or NULL */
  const ws_key_spec *spec; /* NULL for an unknown key */
  bool valid;              /* parsed, within limits */
  ws_value v;              /* the parsed value (when valid) */
  size_t vstart, vend;     /* the value's bytes in sc->data (file entries) */
} ws_entry;

struct ws_group {
  ws_scenario *sc;          /* the owner */
  ws_kind_id kind_id;
  const ws_kind_spec *spec;
  char *name;               /* NULL for singleton kinds */
  char *header;             /* "kind NAME" or "kind", as used in messages */
  int line;                 /* of the [header]; 0 for the built-in core */
  GPtrArray *entries;       /* ws_entry *, file order, then added ones; owned */
  GHashTable *by_key;       /* key -> ws_entry * (borrowed) */
  int count;                /* count = N, or 0 */
  size_t insert_at;         /* offset in sc->data after the group's last line with a key */
};

struct ws_scenario {
  char *path;
  char *name;
  char *data; /* the file's bytes, NUL-terminated; len without the NUL */
  size_t len;
  char *text;
  char *sha256;
  GPtrArray *groups;              /* ws_group *, file order; owned */
  GHashTable *by_name;            /* entity name -> ws_group * (borrowed) */
  ws_group *singletons[WS_KIND_N];
  ws_group *core;                 /* the file's [router core] or builtin_core */
  ws_group *builtin_core;         /* owned */
  char **overrides;
  char **warnings;
};

/* One problem: sorted by line (overrides' problems first), then by the
 * order it was found. */
typedef struct {
  int line;
  unsigned seq;
  char *msg;
} ws_problem;

typedef struct {
  ws_scenario *sc;
  GArray *errors;   /* ws_problem */
  GArray *warnings; /* ws_problem */
  unsigned seq;
} ws_loader;

/* A resolved reference: a whole group (member -1) or one member. */
typedef struct {
  ws_group *g;
  int member;   /* member index; for a layout, site * sectors + sector */
} ws_ref;

/* ---- messages --------------------------------------------------------------- */

/* text quoted for a message, shortened (at a character boundary) when long. */
static char *quote(const char *text) {
  if (g_utf8_strlen(text, -1) <= MAX_QUOTE_CHARS) return g_strdup_printf("\"%s\"", text);
  const char *cut = g_utf8_offset_to_pointer(text, MAX_QUOTE_CHARS);
  return g_strdup_printf("\"%.*s...\"", (int)(cut - text), text);
}

/* Appends "--set 'S': ", "FILE:LINE: " or "FILE: " (line 0), valid UTF-8
 * whatever the bytes of the path or the override. */
static void append_origin(GString *s, const ws_scenario *sc, const char *set, int line) {
  char *text = g_utf8_make_valid(set ? set : sc->path, -1);
  if (set) g_string_append_printf(s, "--set '%s': ", text);
  else if (line > 0) g_string_append_printf(s, "%s:%d: ", text, line);
  else g_string_append_printf(s, "%s: ", text);
  g_free(text);
}

/* Takes a finished message: control characters (a tab or carriage return
 * inside a value, a line break inside an override) become '?', so that a
 * problem stays one line. */
static char *one_line(GString *s) {
  for (gsize i = 0; i < s->len; i++)
    if ((unsigned char)s->str[i] < 0x20 || s->str[i] == 0x7f) s->str[i] = '?';
  return g_string_free(s, FALSE);
}

/* Adds a problem. Prefix: "--set 'S': " for a value from an override, else
 * "FILE:LINE: " (or "FILE: " without a line); then "warning: " for warnings. */
static void G_GNUC_PRINTF(6, 0)
    vreport(ws_loader *ld, bool warning, int line, int sort_line, const char *set,
            const char *fmt, va_list ap) {
  GString *s = g_string_new(NULL);
  append_origin(s, ld->sc, set, line);
  if (warning) g_string_append(s, "warning: ");
  g_string_append_vprintf(s, fmt, ap);
  ws_problem p = {sort_line, ld->seq++, one_line(s)};
  g_array_append_val(warning ? ld->warnings : ld->errors, p);
}

/* An error at a line of the file (0: none). */
static void G_GNUC_PRINTF(3, 4) err_line(ws_loader *ld, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(ld, false, line, line, NULL, fmt, ap);
  va_end(ap);
}

/* Problems of overrides sort first, in the order the overrides were given
 * (set is one of sc->overrides). */
static int set_sort_line(const ws_loader *ld, const char *set) {
  int i = 0;
  while (ld->sc->overrides[i] && ld->sc->overrides[i] != set) i++;
  return INT_MIN + i;
}

/* An error about an override as a whole. */
static void G_GNUC_PRINTF(3, 4) err_set(ws_loader *ld, const char *set, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(ld, false, 0, set_sort_line(ld, set), set, fmt, ap);
  va_end(ap);
}

/* The line a key's problems sort at: its own, or its group's when added. */
static int entry_line(const ws_group *g, const ws_entry *e) { return e->line > 0 ? e->line : g->line; }

/* "[link ab] rate: MSG" at the key's line (or its override). */
static void G_GNUC_PRINTF(5, 0)
    vreport_entry(ws_loader *ld, bool warning, const ws_group *g, const ws_entry *e,
                  const char *fmt, va_list ap) {
  GString *s = g_string_new(NULL);
  append_origin(s, ld->sc, e->set, entry_line(g, e));
  if (warning) g_string_append(s, "warning: ");
  g_string_append_printf(s, "[%s] %s: ", g->header, e->key);
  g_string_append_vprintf(s, fmt, ap);
  int sort_line = e->set ? set_sort_line(ld, e->set) : entry_line(g, e);
  ws_problem p = {sort_line, ld->seq++, one_line(s)};
  g_array_append_val(warning ? ld->warnings : ld->errors, p);
}

static void G_GNUC_PRINTF(4, 5)
    err_entry(ws_loader *ld, const ws_group *g, const ws_entry *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport_entry(ld, false, g, e, fmt, ap);
  va_end(ap);
}

static void G_GNUC_PRINTF(4, 5)
    warn_entry(ws_loader *ld, const ws_group *g, const ws_entry *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport_entry(ld, true, g, e, fmt, ap);
  va_end(ap);
}

/* "FILE:LINE: [host a]: MSG" at the group's header. */
static void G_GNUC_PRINTF(3, 4) err_group(ws_loader *ld, const ws_group *g, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  err_line(ld, g->line, "[%s]: %s", g->header, msg);
  g_free(msg);
}

static int compare_problems(const void *a, const void *b) {
  const ws_problem *x = a, *y = b;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts the problems by line and returns their messages, NULL-terminated;
 * frees list. */
static char **take_problems(GArray *list) {
  g_array_sort(list, compare_problems);
  char **out = g_new0(char *, list->len + 1);
  for (unsigned i = 0; i < list->len; i++) out[i] = g_array_index(list, ws_problem, i).msg;
  g_array_free(list, TRUE);
  return out;
}

/* ---- did you mean ------------------------------------------------------------ */

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions, each substring edited once), ASCII case-insensitive:
 * "hots" -> "host" is 1, "rte" -> "rate" is 1. */
static unsigned edit_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  /* Three rows: i-2, i-1, i. */
  unsigned *rows = g_new(unsigned, 3 * (m + 1));
  unsigned *r2 = rows, *r1 = rows + (m + 1), *r0 = rows + 2 * (m + 1);
  for (size_t j = 0; j <= m; j++) r1[j] = (unsigned)j;
  for (size_t i = 1; i <= n; i++) {
    r0[0] = (unsigned)i;
    char ai = g_ascii_tolower(a[i - 1]);
    for (size_t j = 1; j <= m; j++) {
      char bj = g_ascii_tolower(b[j - 1]);
      unsigned cost = ai != bj;
      unsigned best = MIN(r1[j] + 1, r0[j - 1] + 1);
      best = MIN(best, r1[j - 1] + cost);
      if (i > 1 && j > 1 && ai == g_ascii_tolower(b[j - 2]) && g_ascii_tolower(a[i - 2]) == bj)
        best = MIN(best, r2[j - 2] + 1);
      r0[j] = best;
    }
    unsigned *t = r2;
    r2 = r1;
    r1 = r0;
    r0 = t;
  }
  unsigned d = r1[m];
  g_free(rows);
  return d;
}

/* The candidate nearest to word, or NULL when none is near enough: at most
 * 1 edit for words of up to 3 letters, 2 beyond, and fewer edits than the
 * candidate has letters (so that "a" never suggests "b"). Ties go to the
 * first candidate. */
static const char *nearest(const char *word, const char *const *cands, unsigned n) {
  size_t len = strlen(word);
  if (len == 0 || len > MAX_SUGGEST_LEN) return NULL;
  unsigned limit = len <= 3 ? 1 : 2, best_d = limit + 1;
  const char *best = NULL;
  for (unsigned i = 0; i < n; i++) {
    if (strlen(cands[i]) > MAX_SUGGEST_LEN) continue;
    unsigned d = edit_distance(word, cands[i]);
    if (d < best_d && d < strlen(cands[i])) {
      best_d = d;
      best = cands[i];
    }
  }
  return best;
}

/* " (did you mean "x"?)" or "". Caller frees. */
static char *did_you_mean(const char *word, GPtrArray *cands) {
  const char *best = nearest(word, (const char *const *)cands->pdata, cands->len);
  return best ? g_strdup_printf(" (did you mean \"%s\"?)", best) : g_strdup("");
}

/* ---- reading the lines ------------------------------------------------------- */

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

/* Trims [*b, *e) of blanks. */
static void trim_span(const char *s, size_t *b, size_t *e) {
  while (*b < *e && is_blank(s[*b])) (*b)++;
  while (*e > *b && is_blank(s[*e - 1])) (*e)--;
}

/* Where a " #" comment starts in [b, e), or e. A '#' that follows a blank
 * starts a comment; one inside a word is part of the value. */
static size_t comment_start(const char *s, size_t b, size_t e) {
  for (size_t i = b + 1; i < e; i++)
    if (s[i] == '#' && is_blank(s[i - 1])) return i;
  return e;
}

static bool valid_name(const char *name) {
  if (!*name) return false;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_isalnum(*p) || *p == '-' || *p == '_')) return false;
  return true;
}

static void entry_free(void *p) {
  ws_entry *e = p;
  g_free(e->key);
  g_free(e->value);
  ws_schema_value_clear(&e->v);
  g_free(e);
}

static ws_group *group_new(ws_scenario *sc, ws_kind_id kind_id, const char *name, int line) {
  ws_group *g = g_new0(ws_group, 1);
  g->sc = sc;
  g->kind_id = kind_id;
  g->spec = &ws_schema_kinds[kind_id];
  g->name = g_strdup(name);
  g->header = name ? g_strdup_printf("%s %s", g->spec->kind, name) : g_strdup(g->spec->kind);
  g->line = line;
  g->entries = g_ptr_array_new_with_free_func(entry_free);
  g->by_key = g_hash_table_new(g_str_hash, g_str_equal);
  return g;
}

static void group_free(void *p) {
  ws_group *g = p;
  if (!g) return;
  g_free(g->name);
  g_free(g->header);
  g_ptr_array_free(g->entries, TRUE);
  g_hash_table_destroy(g->by_key);
  g_free(g);
}

static ws_entry *group_entry(const ws_group *g, const char *key) {
  return g_hash_table_lookup(g->by_key, key);
}

static ws_entry *group_add(ws_group *g, const char *key, const char *value, int line) {
  ws_entry *e = g_new0(ws_entry, 1);
  e->key = g_strdup(key);
  e->value = g_strdup(value);
  e->line = line;
  g_ptr_array_add(g->entries, e);
  g_hash_table_insert(g->by_key, e->key, e);
  return e;
}

/* Every kind name, for suggestions. */
static GPtrArray *kind_names(void) {
  GPtrArray *a = g_ptr_array_new();
  for (int i = 0; i < WS_KIND_N; i++) g_ptr_array_add(a, (void *)ws_schema_kinds[i].kind);
  return a;
}

/* Reads a [header] line: span [b, e) is trimmed and starts with '['. Returns
 * the new current group, or NULL when its keys are to be skipped. */
static ws_group *read_header(ws_loader *ld, int line, const char *s, size_t b, size_t e) {
  ws_scenario *sc = ld->sc;
  size_t ce = comment_start(s, b, e);
  trim_span(s, &b, &ce);
  char *found = g_strndup(s + b, ce - b);
  if (ce - b < 2 || s[ce - 1] != ']') {
    char *q = quote(found);
    err_line(ld, line, "expected a group header [kind] or [kind NAME], found %s", q);
    g_free(q);
    g_free(found);
    return NULL;
  }
  char *inner = g_strndup(s + b + 1, ce - b - 2);
  char **words = g_strsplit_set(g_strstrip(inner), " \t", -1);
  GPtrArray *tok = g_ptr_array_new();
  for (char **w = words; *w; w++)
    if (**w) g_ptr_array_add(tok, *w);
  ws_group *g = NULL;
  if (tok->len == 0 || tok->len > 2) {
    char *q = quote(found);
    err_line(ld, line, "expected a group header [kind] or [kind NAME], found %s", q);
    g_free(q);
    goto done;
  }
  const char *kind = tok->pdata[0], *name = tok->len == 2 ? tok->pdata[1] : NULL;
  int kid = ws_schema_kind_id(kind);
  char *header = name ? g_strdup_printf("%s %s", kind, name) : g_strdup(kind);
  if (kid < 0) {
    GPtrArray *cands = kind_names();
    const char *best = nearest(kind, (const char *const *)cands->pdata, cands->len);
    if (best) {
      err_line(ld, line, "[%s]: unknown group kind \"%s\" (did you mean \"%s\"?)", header, kind, best);
    } else {
      GString *list = g_string_new(NULL);
      for (int i = 0; i < WS_KIND_N; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", ws_schema_kinds[i].kind);
      err_line(ld, line, "[%s]: unknown group kind \"%s\" (kinds: %s)", header, kind, list->str);
      g_string_free(list, TRUE);
    }
    g_ptr_array_free(cands, TRUE);
    g_free(header);
    goto done;
  }
  const ws_kind_spec *spec = &ws_schema_kinds[kid];
  if (!spec->named) {
    if (name) err_line(ld, line, "[%s]: [%s] takes no name", header, kind);
    if (sc->singletons[kid]) {
      err_line(ld, line, "[%s]: duplicate group, first at line %d", kind, sc->singletons[kid]->line);
    } else {
      g = group_new(sc, kid, NULL, line);
      sc->singletons[kid] = g;
      g_ptr_array_add(sc->groups, g);
    }
  } else if (!name) {
    err_line(ld, line, "[%s]: a %s group needs a name: [%s NAME]", header, kind, kind);
  } else if (!valid_name(name)) {
    err_line(ld, line, "[%s]: a name is made of letters, digits, '-' and '_', found \"%s\"", header,
             name);
  } else if (strcmp(name, "core") == 0 && kid != WS_KIND_ROUTER) {
    err_line(ld, line, "[%s]: core is the name of the built-in router", header);
  } else {
    ws_group *other = g_hash_table_lookup(sc->by_name, name);
    if (other && (int)other->kind_id == kid) {
      err_line(ld, line, "[%s]: duplicate group, first at line %d", header, other->line);
    } else if (other) {
      err_line(ld, line, "[%s]: the name %s is already used by [%s] at line %d", header, name,
               other->header, other->line);
    } else {
      g = group_new(sc, kid, name, line);
      g_hash_table_insert(sc->by_name, g->name, g);
      g_ptr_array_add(sc->groups, g);
      if (strcmp(name, "core") == 0) sc->core = g;
    }
  }
  g_free(header);
done:
  g_ptr_array_free(tok, TRUE);
  g_strfreev(words);
  g_free(inner);
  g_free(found);
  return g;
}

/* Reads one line [b, e) (without its terminator); next is where the
 * following line starts. */
static void read_line(ws_loader *ld, int line, size_t b, size_t e, size_t next, ws_group **cur,
                      bool *skipping) {
  const char *s = ld->sc->data;
  if (memchr(s + b, '\0', e - b)) {
    err_line(ld, line, "the line contains a NUL byte (is this a text file?)");
    return;
  }
  if (!g_utf8_validate(s + b, (gssize)(e - b), NULL)) {
    err_line(ld, line, "the line is not valid UTF-8 text");
    return;
  }
  trim_span(s, &b, &e);
  if (b == e || s[b] == '#' || s[b] == ';') return;
  if (s[b] == '[') {
    *cur = read_header(ld, line, s, b, e);
    *skipping = *cur == NULL;
    if (*cur) (*cur)->insert_at = next;
    return;
  }
  const char *eq = memchr(s + b, '=', e - b);
  if (!eq) {
    char *found = g_strndup(s + b, e - b);
    char *q = quote(found);
    err_line(ld, line, "expected key = value, a group header [kind NAME] or a comment, found %s", q);
    g_free(q);
    g_free(found);
    return;
  }
  size_t kb = b, ke = (size_t)(eq - s);
  trim_span(s, &kb, &ke);
  if (kb == ke) {
    err_line(ld, line, "a key is missing before '='");
    return;
  }
  size_t vb = (size_t)(eq - s) + 1, ve = e;
  while (vb < ve && is_blank(s[vb])) vb++;
  /* A '#' right after the blanks that follow '=' also starts a comment. */
  if (vb < ve && s[vb] == '#' && vb > (size_t)(eq - s) + 1) ve = vb;
  ve = comment_start(s, vb, ve);
  trim_span(s, &vb, &ve);
  if (*skipping) return;
  char *key = g_strndup(s + kb, ke - kb);
  if (!*cur) {
    err_line(ld, line, "%s: a key outside of any group (put it under a header such as [simulation])",
             key);
    g_free(key);
    return;
  }
  ws_group *g = *cur;
  ws_entry *first = group_entry(g, key);
  if (first) {
    err_line(ld, line, "[%s] %s: duplicate key, first at line %d", g->header, key, first->line);
  } else {
    char *value = g_strndup(s + vb, ve - vb);
    ws_entry *en = group_add(g, key, value, line);
    en->vstart = vb;
    en->vend = ve;
    g_free(value);
  }
  g->insert_at = next;
  g_free(key);
}

static void read_lines(ws_loader *ld) {
  const char *s = ld->sc->data;
  size_t len = ld->sc->len, pos = 0;
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) pos = 3; /* UTF-8 byte-order mark */
  ws_group *cur = NULL;
  bool skipping = false;
  for (int line = 1; pos < len; line++) {
    const char *nl = memchr(s + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - s) : len, next = nl ? end + 1 : len;
    size_t cend = end;
    if (cend > pos && s[cend - 1] == '\r') cend--;
    read_line(ld, line, pos, cend, next, &cur, &skipping);
    pos = next;
  }
}

/* ---- overrides ------------------------------------------------------------------ */

/* The group that override text GROUP names: "kind NAME", "NAME" or a
 * singleton "kind". */
static ws_group *override_group(ws_scenario *sc, const char *text) {
  char **words = g_strsplit_set(text, " \t", -1);
  GPtrArray *tok = g_ptr_array_new();
  for (char **w = words; *w; w++)
    if (**w) g_ptr_array_add(tok, *w);
  ws_group *g = NULL;
  if (tok->len == 1) {
    int kid = ws_schema_kind_id(tok->pdata[0]);
    if (kid >= 0 && !ws_schema_kinds[kid].named) g = sc->singletons[kid];
    else g = g_hash_table_lookup(sc->by_name, tok->pdata[0]);
  } else if (tok->len == 2) {
    g = g_hash_table_lookup(sc->by_name, tok->pdata[1]);
    if (g && strcmp(g->spec->kind, tok->pdata[0]) != 0) g = NULL;
  }
  g_ptr_array_free(tok, TRUE);
  g_strfreev(words);
  return g;
}

static void apply_override(ws_loader *ld, const char *set) {
  ws_scenario *sc = ld->sc;
  const char *eq = strchr(set, '=');
  const char *dot = NULL;
  if (eq)
    for (const char *p = set; p < eq; p++)
      if (*p == '.') dot = p;
  if (!eq || !dot) {
    err_set(ld, set, "expected GROUP.key=value, such as 'link uplink.rate=10Mbit/s'");
    return;
  }
  char *group_text = g_strstrip(g_strndup(set, (size_t)(dot - set)));
  char *key = g_strstrip(g_strndup(dot + 1, (size_t)(eq - dot - 1)));
  char *value = g_strstrip(g_strdup(eq + 1));
  ws_group *g = NULL;
  if (!g_utf8_validate(set, -1, NULL)) {
    err_set(ld, set, "not valid UTF-8 text");
  } else if (!*group_text || !*key) {
    err_set(ld, set, "expected GROUP.key=value, such as 'link uplink.rate=10Mbit/s'");
  } else if (strpbrk(value, "\n\r") || value[0] == '#' ||
             comment_start(value, 0, strlen(value)) != strlen(value)) {
    /* It would read differently from the text as run. */
    err_set(ld, set, "a value cannot contain a line break or a \" #\" comment");
  } else if (!(g = override_group(sc, group_text))) {
    GPtrArray *cands = g_ptr_array_new();
    for (unsigned i = 0; i < sc->groups->len; i++) {
      ws_group *o = sc->groups->pdata[i];
      g_ptr_array_add(cands, o->header);
    }
    char *hint = did_you_mean(group_text, cands);
    err_set(ld, set, "no group [%s] in the scenario%s", group_text, hint);
    g_free(hint);
    g_ptr_array_free(cands, TRUE);
  } else {
    ws_entry *e = group_entry(g, key);
    if (e) {
      g_free(e->value);
      e->value = g_strdup(value);
    } else {
      e = group_add(g, key, value, 0);
    }
    e->set = set;
  }
  g_free(group_text);
  g_free(key);
  g_free(value);
}

/* ---- values ---------------------------------------------------------------------- */

static const ws_choice *find_choice(const ws_key_spec *k, const char *text) {
  for (const ws_choice *c = k->choices; c && c->name; c++)
    if (strcmp(c->name, text) == 0) return c;
  return NULL;
}

/* Every key name a kind accepts, for suggestions and lists. */
static GPtrArray *key_names(const ws_kind_spec *spec) {
  GPtrArray *a = g_ptr_array_new();
  for (unsigned i = 0; i < spec->n_keys; i++) g_ptr_array_add(a, (void *)spec->keys[i].key);
  for (unsigned i = 0; i < spec->n_more_keys; i++)
    if (!(spec->more_keys[i].flags & WS_KEY_REQUIRED))
      g_ptr_array_add(a, (void *)spec->more_keys[i].key);
  return a;
}

static void check_entry(ws_loader *ld, ws_group *g, ws_entry *e) {
  e->spec = ws_schema_key(g->spec, e->key);
  if (!e->spec) {
    GPtrArray *cands = key_names(g->spec);
    const char *best = nearest(e->key, (const char *const *)cands->pdata, cands->len);
    if (best) {
      err_entry(ld, g, e, "unknown key (did you mean \"%s\"?)", best);
    } else {
      g_ptr_array_add(cands, NULL);
      char *all = g_strjoinv(", ", (char **)cands->pdata);
      err_entry(ld, g, e, "unknown key (a [%s] has: %s)", g->spec->kind, all);
      g_free(all);
    }
    g_ptr_array_free(cands, TRUE);
    return;
  }
  const ws_key_spec *k = e->spec;
  char *expected = NULL;
  char *q = quote(e->value);
  if (!ws_schema_parse(k, e->value, &e->v, &expected)) {
    char *hint = g_strdup("");
    if (k->type == WS_VAL_ENUM) {
      GPtrArray *cands = g_ptr_array_new();
      for (const ws_choice *c = k->choices; c->name; c++) g_ptr_array_add(cands, (void *)c->name);
      g_free(hint);
      hint = did_you_mean(e->value, cands);
      g_ptr_array_free(cands, TRUE);
    }
    err_entry(ld, g, e, "expected %s, found %s%s", expected, q, hint);
    g_free(hint);
    g_free(expected);
    g_free(q);
    return;
  }
  char *why = ws_schema_check_limit(k, &e->v);
  if (why) {
    err_entry(ld, g, e, "%s, found %s", why, q);
    g_free(why);
    g_free(q);
    return;
  }
  g_free(q);
  e->valid = true;
  if (k->type == WS_VAL_INT && strcmp(k->key, "count") == 0) g->count = (int)e->v.i;
  /* In a group of an unsupported kind, the header says it once. */
  if (!g->spec->supported) return;
  if (k->flags & WS_KEY_UNSUPPORTED) {
    err_entry(ld, g, e, NOT_YET " (%s)", k->why);
  } else if (k->type == WS_VAL_ENUM) {
    const ws_choice *c = find_choice(k, e->value);
    if (c && !c->supported) err_entry(ld, g, e, "%s is " NOT_YET " (%s)", c->name, c->why);
  } else if (k->type == WS_VAL_BOOL && (k->flags & WS_KEY_YES_UNSUPPORTED) && e->v.b) {
    err_entry(ld, g, e, "%s is " NOT_YET " (%s)", e->value, k->why);
  }
}

/* ---- references ------------------------------------------------------------------ */

/* Sites of a hex layout with this many rings: 1, 7, 19, ... (1 + 3 r (r + 1)). */
static int64_t layout_sites(int64_t rings) { return 1 + 3 * rings * (rings + 1); }

static const ws_entry *valid_entry(const ws_group *g, const char *key) {
  const ws_entry *e = group_entry(g, key);
  return e && e->valid ? e : NULL;
}

/* The layout's rings and sectors (given or default). */
static void layout_shape(const ws_group *g, int64_t *sites, int64_t *sectors) {
  const ws_entry *r = valid_entry(g, "rings"), *s = valid_entry(g, "sectors");
  *sites = layout_sites(r ? r->v.i : 1);
  *sectors = s ? s->v.i : 3;
}

/* Members of a resolved whole group: count, 1 without count. */
static int64_t group_size(const ws_group *g) {
  if (g->kind_id == WS_KIND_LAYOUT) {
    int64_t sites, sectors;
    layout_shape(g, &sites, &sectors);
    return sites * sectors;
  }
  return g->count > 0 ? g->count : 1;
}

static int64_t ref_size(const ws_ref *r) { return r->member >= 0 ? 1 : group_size(r->g); }

/* A decimal index without sign or leading zeros, or -1. */
static int64_t parse_index(const char *s, size_t n) {
  if (n == 0 || n > 9 || (n > 1 && s[0] == '0')) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!g_ascii_isdigit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Members of a link whose `between` names a counted group on one side:
 * one link per member, LINK/0..LINK/N-1 (as world.c builds them); 0 when
 * the link is one entity. */
static int link_members(const ws_scenario *sc, const ws_group *g) {
  const ws_entry *between = valid_entry(g, "between");
  if (!between) return 0;
  char **ends = g_strsplit(between->value, ",", -1);
  int n = 0;
  for (unsigned i = 0; ends[i]; i++) {
    const ws_group *o = g_hash_table_lookup(sc->by_name, g_strstrip(ends[i]));
    if (o && o->spec->countable && o->count > n) n = o->count;
  }
  g_strfreev(ends);
  return n;
}

/* Resolves text (NAME, NAME/i, NAME/S.s for a layout's cells, core) to an
 * entity of a kind in mask. Returns NULL, or what is wrong (caller frees;
 * "" when it follows from a problem reported elsewhere). */
static char *resolve(const ws_scenario *sc, const char *text, unsigned mask, ws_ref *out) {
  out->g = NULL;
  out->member = -1;
  if (strcmp(text, "core") == 0 && (mask & WS_KMASK(WS_KIND_ROUTER))) {
    out->g = sc->core;
    return NULL;
  }
  const char *slash = strchr(text, '/');
  char *base = slash ? g_strndup(text, (size_t)(slash - text)) : g_strdup(text);
  ws_group *g = g_hash_table_lookup(sc->by_name, base);
  char *why = NULL;
  if (!g || !(mask & WS_KMASK(g->kind_id))) {
    char *kinds = ws_schema_kinds_phrase(mask, g != NULL);
    if (g) {
      why = g_strdup_printf("\"%s\" is [%s], expected the name of %s", base, g->header, kinds);
    } else {
      GPtrArray *cands = g_ptr_array_new();
      for (unsigned i = 0; i < sc->groups->len; i++) {
        ws_group *o = sc->groups->pdata[i];
        if (o->name && (mask & WS_KMASK(o->kind_id))) g_ptr_array_add(cands, o->name);
      }
      if ((mask & WS_KMASK(WS_KIND_ROUTER)) && sc->core == sc->builtin_core)
        g_ptr_array_add(cands, "core");
      char *hint = did_you_mean(base, cands);
      why = g_strdup_printf("no %s named \"%s\"%s", kinds, base, hint);
      g_free(hint);
      g_ptr_array_free(cands, TRUE);
    }
    g_free(kinds);
    g_free(base);
    return why;
  }
  out->g = g;
  if (slash) {
    const char *m = slash + 1;
    if (g->kind_id == WS_KIND_LAYOUT) {
      const char *dot = strchr(m, '.');
      int64_t site = dot ? parse_index(m, (size_t)(dot - m)) : -1;
      int64_t sector = dot ? parse_index(dot + 1, strlen(dot + 1)) : -1;
      int64_t sites, sectors;
      layout_shape(g, &sites, &sectors);
      if (site < 0 || sector < 0)
        why = g_strdup_printf("\"%s\": the cells of layout %s are named %s/SITE.SECTOR, such as %s/0.1",
                              text, base, base, base);
      else if (site >= sites || sector >= sectors)
        why = g_strdup_printf("\"%s\": layout %s has sites 0 to %" G_GINT64_FORMAT
                              " and sectors 0 to %" G_GINT64_FORMAT,
                              text, base, sites - 1, sectors - 1);
      else
        out->member = (int)(site * sectors + sector);
    } else if (g->count == 0 && group_entry(g, "count")) {
      why = g_strdup(""); /* its count is wrong and reported at its own line */
    } else if (g->kind_id == WS_KIND_LINK ? link_members(sc, g) == 0
                                          : !g->spec->countable || g->count == 0) {
      if (g->kind_id == WS_KIND_LINK)
        why = g_strdup_printf("\"%s\": link %s joins two single nodes, so it is one link named %s",
                              text, base, base);
      else
        why = g_strdup_printf("\"%s\": %s has no count, so it is one entity named %s", text, base,
                              base);
    } else {
      int members = g->kind_id == WS_KIND_LINK ? link_members(sc, g) : g->count;
      int64_t i = parse_index(m, strlen(m));
      if (i < 0 || i >= members)
        why = g_strdup_printf("\"%s\": %s has %d members, %s/0 to %s/%d", text, base, members, base,
                              base, members - 1);
      else
        out->member = (int)i;
    }
  }
  g_free(base);
  if (why) out->g = NULL;
  return why;
}

/* Resolves the valid entry's reference(s); reports what is wrong. Returns
 * true when all resolve. refs gets up to max_refs of them. */
static bool check_refs(ws_loader *ld, ws_group *g, ws_entry *e, ws_ref *refs, unsigned max_refs) {
  if (!e || !e->valid || e->v.word) return false;
  char **parts = g_strsplit(e->value, ",", -1);
  bool ok = true;
  for (unsigned i = 0; parts[i]; i++) {
    ws_ref r;
    char *why = resolve(ld->sc, g_strstrip(parts[i]), e->spec->ref_kinds, &r);
    if (why) {
      if (*why) err_entry(ld, g, e, "%s", why);
      g_free(why);
      ok = false;
    } else if (i < max_refs) {
      refs[i] = r;
    }
  }
  g_strfreev(parts);
  return ok;
}

/* Text for an entity in messages: "alice", "clients/3", "clients (10 members)". */
static char *ref_text(const ws_ref *r) {
  if (r->member >= 0 && r->g->kind_id == WS_KIND_LAYOUT) {
    int64_t sites, sectors;
    layout_shape(r->g, &sites, &sectors);
    return g_strdup_printf("%s/%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT, r->g->name,
                           r->member / sectors, r->member % sectors);
  }
  if (r->member >= 0) return g_strdup_printf("%s/%d", r->g->name, r->member);
  return g_strdup(r->g->name);
}

/* True when pairing a with b (a group on one side gives one pair per
 * member, groups on both sides pair in order) joins an entity to itself. */
static bool pairs_overlap(const ws_ref *a, const ws_ref *b) {
  if (a->g != b->g) return false;
  return a->member < 0 || b->member < 0 || a->member == b->member;
}

/* Checks two ends paired like a flow's: equal sizes when both are groups,
 * never the same entity on both ends. what: "a link" or "a flow". Reports
 * at entry e. */
static void check_pair(ws_loader *ld, ws_group *g, ws_entry *e, const ws_ref *a, const ws_ref *b,
                       const char *what) {
  int64_t na = ref_size(a), nb = ref_size(b);
  char *ta = ref_text(a), *tb = ref_text(b);
  if (pairs_overlap(a, b)) {
    if (a->member == b->member)
      err_entry(ld, g, e, "both ends are %s: %s needs two different ends", ta, what);
    else
      err_entry(ld, g, e, "%s is one of %s: %s needs two different ends",
                a->member >= 0 ? ta : tb, a->member >= 0 ? tb : ta, what);
  } else if (na > 1 && nb > 1 && na != nb) {
    err_entry(ld, g, e,
              "%s has %" G_GINT64_FORMAT " members and %s has %" G_GINT64_FORMAT
              ": two groups are paired member by member, so they need the same size",
              ta, na, tb, nb);
  }
  g_free(ta);
  g_free(tb);
}

/* ---- checks across keys, kind by kind -------------------------------------------- */

static char *format_time(ws_time t) {
  char buf[64];
  return g_strdup(ws_units_format_time(t, buf, sizeof buf));
}

/* [simulation] duration, or -1 when not known. */
static ws_time sim_duration(const ws_scenario *sc) {
  const ws_group *s = sc->singletons[WS_KIND_SIMULATION];
  const ws_entry *d = s ? valid_entry(s, "duration") : NULL;
  return d ? d->v.q.exact : -1;
}

static void check_simulation(ws_loader *ld, ws_group *g) {
  ws_time duration = sim_duration(ld->sc);
  ws_entry *w = (ws_entry *)valid_entry(g, "warmup");
  if (duration > 0 && w) {
    char *d = format_time(duration);
    if (w->v.q.exact >= duration)
      err_entry(ld, g, w, "must be less than the duration (%s), found \"%s\"", d, w->value);
    else if (w->v.q.exact > duration / 2)
      warn_entry(ld, g, w, "more than half of the duration (%s) is warmup: little is left to measure",
                 d);
    g_free(d);
  }
}

static void check_link(ws_loader *ld, ws_group *g) {
  ws_entry *between = group_entry(g, "between");
  ws_ref ends[2];
  if (check_refs(ld, g, between, ends, 2)) {
    /* A group on one side gives one link per member (LINK/i); pairing two
     * groups member by member is for flows, not wires. */
    if (ref_size(&ends[0]) > 1 && ref_size(&ends[1]) > 1)
      err_entry(ld, g, between,
                "a link joins one node to one node or to each member of one group, not two groups");
    else
      check_pair(ld, g, between, &ends[0], &ends[1], "a link");
  }
  ws_entry *loss = (ws_entry *)valid_entry(g, "loss");
  if (loss && loss->v.q.value > 0.5)
    warn_entry(ld, g, loss, "more than half of the packets are lost (%s)", loss->value);
}

static void check_flow(ws_loader *ld, ws_group *g) {
  ws_scenario *sc = ld->sc;
  ws_entry *from = group_entry(g, "from"), *to = group_entry(g, "to");
  ws_ref a, b;
  bool fa = check_refs(ld, g, from, &a, 1), fb = check_refs(ld, g, to, &b, 1);
  if (fa && fb) check_pair(ld, g, to, &a, &b, "a flow");

  const ws_entry *type = group_entry(g, "type");
  const char *type_name = type ? (type->valid ? type->value : NULL) : "cbr";
  if (type_name && (strcmp(type_name, "cbr") == 0 || strcmp(type_name, "poisson") == 0 ||
                    strcmp(type_name, "onoff") == 0) &&
      !group_entry(g, "rate"))
    err_group(ld, g, "missing required key rate (%s) for type %s", ws_units_expected(WS_UNIT_RATE),
              type_name);

  ws_entry *start = (ws_entry *)valid_entry(g, "start"), *stop = (ws_entry *)valid_entry(g, "stop");
  ws_time t_start = start ? start->v.q.exact : 0;
  ws_time duration = sim_duration(sc);
  if (stop && !stop->v.word && stop->v.q.exact <= t_start) {
    char *s = format_time(t_start);
    err_entry(ld, g, stop, "must be after start (%s), found \"%s\"", s, stop->value);
    g_free(s);
    return;
  }
  if (start && duration > 0 && t_start >= duration) {
    char *d = format_time(duration);
    warn_entry(ld, g, start, "the flow starts at or after the end of the simulation (%s): it sends nothing",
               d);
    g_free(d);
  }
  const ws_group *simg = sc->singletons[WS_KIND_SIMULATION];
  const ws_entry *warmup = simg ? valid_entry(simg, "warmup") : NULL;
  if (stop && !stop->v.word && warmup && stop->v.q.exact <= warmup->v.q.exact) {
    char *w = format_time(warmup->v.q.exact);
    warn_entry(ld, g, stop, "the flow stops before the warmup (%s) ends: none of it is measured", w);
    g_free(w);
  }
}

static void check_event(ws_loader *ld, ws_group *g) {
  ws_entry *target = group_entry(g, "target");
  ws_ref r;
  if (!check_refs(ld, g, target, &r, 1)) return;
  const ws_entry *action = valid_entry(g, "action");
  if (!action) return;
  bool wants_link = g_str_has_prefix(action->value, "link-");
  bool is_link = r.g->kind_id == WS_KIND_LINK;
  if (wants_link != is_link)
    err_entry(ld, g, target, "\"%s\" is [%s], expected the name of a %s for action %s",
              target->value, r.g->header, wants_link ? "link" : "cell", action->value);
}

/* References of keys that only name entities (no pairing): uplinks, cell,
 * ap, pcap. */
static void check_plain_refs(ws_loader *ld, ws_group *g) {
  for (unsigned i = 0; i < g->entries->len; i++) {
    ws_entry *e = g->entries->pdata[i];
    if (!e->spec || !e->valid) continue;
    if (g->kind_id == WS_KIND_LINK && strcmp(e->key, "between") == 0) continue;
    if (g->kind_id == WS_KIND_FLOW) continue;
    if (g->kind_id == WS_KIND_EVENT) continue;
    if (e->spec->type == WS_VAL_REF || e->spec->type == WS_VAL_REF_LIST ||
        e->spec->type == WS_VAL_REF_PAIR)
      check_refs(ld, g, e, NULL, 0);
  }
}

static void check_group(ws_loader *ld, ws_group *g) {
  for (unsigned i = 0; i < g->entries->len; i++) check_entry(ld, g, g->entries->pdata[i]);
  if (!g->spec->supported) {
    err_group(ld, g, NOT_YET " (%s)", g->spec->why);
    return;
  }
  for (unsigned i = 0; i < g->spec->n_keys; i++) {
    const ws_key_spec *k = &g->spec->keys[i];
    if ((k->flags & WS_KEY_REQUIRED) && !group_entry(g, k->key)) {
      char *expected = ws_schema_expected(k);
      err_group(ld, g, "missing required key %s (%s)", k->key, expected);
      g_free(expected);
    }
  }
  if (g == ld->sc->core && group_entry(g, "count"))
    err_entry(ld, g, group_entry(g, "count"), "the built-in router core is one router: no count");
}

/* placement = per-cell: per_cell UEs around each cell, so the group has
 * per_cell x (cells of every [cell] and [layout]) members; without count,
 * that is its count (members NAME/0.., cell by cell in file order). */
static void derive_per_cell_counts(ws_loader *ld) {
  ws_scenario *sc = ld->sc;
  int64_t cells = 0;
  for (unsigned i = 0; i < sc->groups->len; i++) {
    ws_group *g = sc->groups->pdata[i];
    if (g->kind_id == WS_KIND_CELL) cells++;
    else if (g->kind_id == WS_KIND_LAYOUT) cells += group_size(g);
  }
  for (unsigned i = 0; i < sc->groups->len; i++) {
    ws_group *g = sc->groups->pdata[i];
    const ws_entry *pl = valid_entry(g, "placement");
    if (g->kind_id != WS_KIND_UE || !pl || strcmp(pl->value, "per-cell") != 0) continue;
    const ws_entry *pc = valid_entry(g, "per_cell");
    if (!pc) {
      if (!group_entry(g, "per_cell"))
        err_entry(ld, g, pl, "per-cell placement needs per_cell, the number of UEs per cell");
      continue;
    }
    if (cells == 0) {
      err_entry(ld, g, pl, "per-cell placement needs cells: add a [cell] or a [layout]");
      continue;
    }
    int64_t n = pc->v.i * cells;
    const ws_entry *ce = group_entry(g, "count");
    if (n > WS_SCHEMA_MAX_COUNT)
      err_entry(ld, g, pc, "%" G_GINT64_FORMAT " UEs per cell x %" G_GINT64_FORMAT
                " cells exceeds the limit of %d members", pc->v.i, cells, WS_SCHEMA_MAX_COUNT);
    else if (ce && ce->valid && g->count != n)
      err_entry(ld, g, ce, "with per-cell placement the count is per_cell x cells = %"
                G_GINT64_FORMAT "; leave count out", n);
    else if (!ce)
      g->count = (int)n;
  }
}

static void check_all(ws_loader *ld) {
  ws_scenario *sc = ld->sc;
  for (unsigned i = 0; i < sc->groups->len; i++) check_group(ld, sc->groups->pdata[i]);
  if (!sc->singletons[WS_KIND_SIMULATION])
    err_line(ld, 0, "no [simulation] group: every scenario needs one, with its duration");
  derive_per_cell_counts(ld);
  /* References need every group's count: a second pass. */
  for (unsigned i = 0; i < sc->groups->len; i++) {
    ws_group *g = sc->groups->pdata[i];
    check_plain_refs(ld, g);
    switch (g->kind_id) {
    case WS_KIND_SIMULATION:
      check_simulation(ld, g);
      break;
    case WS_KIND_LINK:
      check_link(ld, g);
      break;
    case WS_KIND_FLOW:
      check_flow(ld, g);
      break;
    case WS_KIND_EVENT:
      check_event(ld, g);
      break;
    default:
      break;
    }
  }
}

/* ---- the text as run --------------------------------------------------------------- */

typedef struct {
  size_t start, end; /* replaced bytes of sc->data (start == end: an insertion) */
  unsigned order;
  char *text;
} ws_edit;

static int compare_edits(const void *a, const void *b) {
  const ws_edit *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The file's text with overridden values replaced on their lines and added
 * keys appended after the last key line of their group. */
static char *text_as_run(const ws_scenario *sc) {
  GArray *edits = g_array_new(FALSE, FALSE, sizeof(ws_edit));
  unsigned order = 0;
  for (unsigned i = 0; i < sc->groups->len; i++) {
    const ws_group *g = sc->groups->pdata[i];
    for (unsigned j = 0; j < g->entries->len; j++) {
      const ws_entry *e = g->entries->pdata[j];
      if (!e->set) continue;
      ws_edit ed = {.order = order++};
      if (e->line > 0) {
        ed.start = e->vstart;
        ed.end = e->vend;
        /* "key =" had no blank after '=': keep "key = value" readable. */
        bool blank_before = e->vstart > 0 && is_blank(sc->data[e->vstart - 1]);
        ed.text = g_strdup_printf("%s%s", blank_before ? "" : " ", e->value);
      } else {
        ed.start = ed.end = g->insert_at;
        ed.text = g_strdup_printf("%s = %s\n", e->key, e->value);
      }
      g_array_append_val(edits, ed);
    }
  }
  g_array_sort(edits, compare_edits);
  GString *out = g_string_sized_new(sc->len + 64);
  size_t pos = 0;
  for (unsigned i = 0; i < edits->len; i++) {
    ws_edit *ed = &g_array_index(edits, ws_edit, i);
    g_string_append_len(out, sc->data + pos, (gssize)(ed->start - pos));
    /* An insertion after a last line without its newline starts one. */
    if (ed->start == ed->end && out->len > 0 && out->str[out->len - 1] != '\n')
      g_string_append_c(out, '\n');
    g_string_append(out, ed->text);
    pos = ed->end;
    g_free(ed->text);
  }
  g_string_append_len(out, sc->data + pos, (gssize)(sc->len - pos));
  g_array_free(edits, TRUE);
  return g_string_free(out, FALSE);
}

/* ---- loading ------------------------------------------------------------------------- */

G_DEFINE_QUARK(ws-scenario-error-quark, ws_scenario_error)

/* "lab1" from "dir/lab1.ini". */
static char *file_stem(const char *path) {
  char *base = g_path_get_basename(path);
  char *dot = strrchr(base, '.');
  if (dot && dot != base) *dot = '\0';
  if (!*base || strcmp(base, ".") == 0 || strcmp(base, G_DIR_SEPARATOR_S) == 0) {
    g_free(base);
    base = g_strdup("scenario");
  }
  return base;
}

ws_scenario *ws_scenario_load_data(const char *filename, const char *data, size_t len,
                                   const char *const *overrides, GError **error) {
  g_return_val_if_fail(filename != NULL, NULL);
  g_return_val_if_fail(data != NULL || len == 0, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);

  ws_scenario *sc = g_new0(ws_scenario, 1);
  sc->path = g_strdup(filename);
  sc->data = g_malloc(len + 1);
  if (len) memcpy(sc->data, data, len);
  sc->data[len] = '\0';
  sc->len = len;
  sc->groups = g_ptr_array_new_with_free_func(group_free);
  sc->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  sc->builtin_core = group_new(sc, WS_KIND_ROUTER, "core", 0);
  sc->core = sc->builtin_core;
  sc->overrides = g_strdupv((char **)overrides);
  if (!sc->overrides) sc->overrides = g_new0(char *, 1);

  ws_loader ld = {sc, g_array_new(FALSE, FALSE, sizeof(ws_problem)),
                  g_array_new(FALSE, FALSE, sizeof(ws_problem)), 0};
  read_lines(&ld);
  for (char **o = sc->overrides; *o; o++) apply_override(&ld, *o);
  check_all(&ld);

  char **errors = take_problems(ld.errors);
  sc->warnings = take_problems(ld.warnings);
  if (errors[0]) {
    char *msg = g_strjoinv("\n", errors);
    g_set_error_literal(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID, msg);
    g_free(msg);
    g_strfreev(errors);
    ws_scenario_free(sc);
    return NULL;
  }
  g_strfreev(errors);

  const ws_entry *name = valid_entry(sc->singletons[WS_KIND_SIMULATION], "name");
  sc->name = name ? g_strdup(name->value) : file_stem(filename);
  sc->text = text_as_run(sc);
  sc->sha256 = g_compute_checksum_for_string(G_CHECKSUM_SHA256, sc->text, -1);
  return sc;
}

ws_scenario *ws_scenario_load(const char *path, const char *const *overrides, GError **error) {
  g_return_val_if_fail(path != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  FILE *f = fopen(path, "rb");
  GByteArray *buf = g_byte_array_new();
  int err = f ? 0 : errno;
  bool too_big = false;
  if (f) {
    guint8 chunk[65536];
    size_t n;
    while (!too_big && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
      g_byte_array_append(buf, chunk, (guint)n);
      too_big = buf->len > MAX_FILE_BYTES;
    }
    if (ferror(f)) err = errno ? errno : EIO;
    fclose(f);
  }
  if (err || too_big) {
    char *shown = g_utf8_make_valid(path, -1);
    g_set_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_IO, "%s: cannot read the scenario: %s",
                shown, too_big ? "larger than 64 MiB" : g_strerror(err));
    g_free(shown);
    g_byte_array_free(buf, TRUE);
    return NULL;
  }
  ws_scenario *sc = ws_scenario_load_data(path, (const char *)buf->data, buf->len, overrides, error);
  g_byte_array_free(buf, TRUE);
  return sc;
}

void ws_scenario_free(ws_scenario *sc) {
  if (!sc) return;
  g_ptr_array_free(sc->groups, TRUE);
  g_hash_table_destroy(sc->by_name);
  group_free(sc->builtin_core);
  g_strfreev(sc->overrides);
  g_strfreev(sc->warnings);
  g_free(sc->path);
  g_free(sc->name);
  g_free(sc->data);
  g_free(sc->text);
  g_free(sc->sha256);
  g_free(sc);
}

/* ---- accessors -------------------------------------------------------------------------- */

const char *const *ws_scenario_warnings(const ws_scenario *sc) {
  g_return_val_if_fail(sc != NULL, NULL);
  return (const char *const *)sc->warnings;
}

const char *const *ws_scenario_overrides(const ws_scenario *sc) {
  g_return_val_if_fail(sc != NULL, NULL);
  return (const char *const *)sc->overrides;
}

const char *ws_scenario_path(const ws_scenario *sc) {
  g_return_val_if_fail(sc != NULL, NULL);
  return sc->path;
}

const char *ws_scenario_name(const ws_scenario *sc) {
  g_return_val_if_fail(sc != NULL, NULL);
  return sc->name;
}

const char *ws_scenario_text(const ws_scenario *sc) {
  g_return_val_if_fail(sc != NULL, NULL);
  return sc->text;
}

const char *ws_scenario_sha256(const ws_scenario *sc) {
  g_return_val_if_fail(sc != NULL, NULL);
  return sc->sha256;
}

unsigned ws_scenario_n_groups(const ws_scenario *sc) {
  g_return_val_if_fail(sc != NULL, 0);
  return sc->groups->len;
}

const ws_group *ws_scenario_group(const ws_scenario *sc, unsigned i) {
  g_return_val_if_fail(sc != NULL && i < sc->groups->len, NULL);
  return sc->groups->pdata[i];
}

const ws_group *ws_scenario_find(const ws_scenario *sc, const char *kind, const char *name) {
  g_return_val_if_fail(sc != NULL && kind != NULL, NULL);
  int kid = ws_schema_kind_id(kind);
  if (kid < 0) return NULL;
  if (!name) return ws_schema_kinds[kid].named ? NULL : sc->singletons[kid];
  if (kid == WS_KIND_ROUTER && strcmp(name, "core") == 0) return sc->core;
  const ws_group *g = g_hash_table_lookup(sc->by_name, name);
  return g && g->kind_id == (ws_kind_id)kid ? g : NULL;
}

const ws_group *ws_scenario_entity_group(const ws_scenario *sc, const char *ref) {
  g_return_val_if_fail(sc != NULL && ref != NULL, NULL);
  ws_ref r;
  char *why = resolve(sc, ref, ~0u, &r);
  g_free(why);
  return r.g;
}

char **ws_scenario_expand(const ws_scenario *sc, const char *ref) {
  g_return_val_if_fail(sc != NULL && ref != NULL, NULL);
  ws_ref r;
  char *why = resolve(sc, ref, ~0u, &r);
  if (why) {
    g_free(why);
    return NULL;
  }
  if (r.member >= 0 || (r.g->count == 0 && r.g->kind_id != WS_KIND_LAYOUT)) {
    char **one = g_new0(char *, 2);
    one[0] = ref_text(&r);
    return one;
  }
  int64_t n = group_size(r.g);
  char **all = g_new0(char *, (size_t)n + 1);
  for (int64_t i = 0; i < n; i++) {
    ws_ref m = {r.g, (int)i};
    all[i] = ref_text(&m);
  }
  return all;
}

const char *ws_group_kind(const ws_group *g) {
  g_return_val_if_fail(g != NULL, NULL);
  return g->spec->kind;
}

const char *ws_group_name(const ws_group *g) {
  g_return_val_if_fail(g != NULL, NULL);
  return g->name;
}

int ws_group_line(const ws_group *g) {
  g_return_val_if_fail(g != NULL, 0);
  return g->line;
}

int ws_group_count(const ws_group *g) {
  g_return_val_if_fail(g != NULL, 0);
  return g->count;
}

bool ws_group_has(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, false);
  return group_entry(g, key) != NULL;
}

int ws_group_key_line(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, 0);
  const ws_entry *e = group_entry(g, key);
  return e ? entry_line(g, e) : 0;
}

/* The value of key in g: the given one (borrowed), else the default parsed
 * into *tmp (caller clears tmp). NULL spec when the key is unknown. */
static const ws_value *value_of(const ws_group *g, const char *key, const ws_key_spec **spec,
                                ws_value *tmp) {
  memset(tmp, 0, sizeof *tmp);
  *spec = ws_schema_key(g->spec, key);
  if (!*spec) return NULL;
  const ws_entry *e = group_entry(g, key);
  if (e && e->valid) return &e->v;
  if ((*spec)->def && !ws_schema_parse(*spec, (*spec)->def, tmp, NULL))
    g_critical("wisim: the default \"%s\" of [%s] %s does not parse", (*spec)->def, g->spec->kind,
               key);
  /* Keys without a default (or with a model-dependent one) give zeros. */
  if (!(*spec)->def) {
    tmp->q.kind = (*spec)->unit;
    tmp->d.a.kind = (*spec)->unit;
  }
  return tmp;
}

const char *ws_group_string(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, NULL);
  const ws_entry *e = group_entry(g, key);
  return e ? e->value : NULL;
}

const char *ws_group_enum(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, NULL);
  const ws_key_spec *k = ws_schema_key(g->spec, key);
  g_return_val_if_fail(k != NULL && k->type == WS_VAL_ENUM, NULL);
  const ws_entry *e = group_entry(g, key);
  return e && e->valid ? e->value : k->def;
}

const char *ws_group_word(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, NULL);
  const ws_key_spec *k = ws_schema_key(g->spec, key);
  g_return_val_if_fail(k != NULL, NULL);
  const ws_entry *e = group_entry(g, key);
  if (e && e->valid) return e->v.word ? e->value : NULL;
  return k->def && ws_schema_is_word(k, k->def) ? k->def : NULL;
}

bool ws_group_bool(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, false);
  const ws_key_spec *k;
  ws_value tmp;
  const ws_value *v = value_of(g, key, &k, &tmp);
  g_return_val_if_fail(k != NULL && k->type == WS_VAL_BOOL, false);
  bool b = v->b;
  ws_schema_value_clear(&tmp);
  return b;
}

int64_t ws_group_int(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, 0);
  const ws_key_spec *k;
  ws_value tmp;
  const ws_value *v = value_of(g, key, &k, &tmp);
  g_return_val_if_fail(k != NULL && k->type == WS_VAL_INT, 0);
  int64_t i = v->i;
  ws_schema_value_clear(&tmp);
  return i;
}

double ws_group_number(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, 0);
  const ws_key_spec *k;
  ws_value tmp;
  const ws_value *v = value_of(g, key, &k, &tmp);
  g_return_val_if_fail(k != NULL && (k->type == WS_VAL_NUMBER || k->type == WS_VAL_INT ||
                                     k->type == WS_VAL_QUANTITY),
                       0);
  double x = k->type == WS_VAL_NUMBER ? v->x : k->type == WS_VAL_INT ? (double)v->i : v->q.value;
  ws_schema_value_clear(&tmp);
  return x;
}

ws_time ws_group_time(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, 0);
  const ws_key_spec *k;
  ws_value tmp;
  const ws_value *v = value_of(g, key, &k, &tmp);
  g_return_val_if_fail(k != NULL && k->type == WS_VAL_QUANTITY && k->unit == WS_UNIT_TIME, 0);
  ws_time t = v->q.exact;
  /* stop = end: the end of the simulation. */
  if (v->word) t = MAX(sim_duration(g->sc), 0);
  ws_schema_value_clear(&tmp);
  return t;
}

ws_quantity ws_group_quantity(const ws_group *g, const char *key) {
  ws_quantity zero = {WS_UNIT_NUMBER, 0, 0};
  g_return_val_if_fail(g != NULL && key != NULL, zero);
  const ws_key_spec *k;
  ws_value tmp;
  const ws_value *v = value_of(g, key, &k, &tmp);
  g_return_val_if_fail(k != NULL && (k->type == WS_VAL_QUANTITY || k->type == WS_VAL_NUMBER), zero);
  ws_quantity q = v->q;
  if (k->type == WS_VAL_NUMBER) q = (ws_quantity){WS_UNIT_NUMBER, v->x, 0};
  else if (v->word) q = (ws_quantity){k->unit, 0, 0};
  ws_schema_value_clear(&tmp);
  return q;
}

ws_dist ws_group_dist(const ws_group *g, const char *key) {
  ws_dist zero;
  memset(&zero, 0, sizeof zero);
  g_return_val_if_fail(g != NULL && key != NULL, zero);
  const ws_key_spec *k;
  ws_value tmp;
  const ws_value *v = value_of(g, key, &k, &tmp);
  g_return_val_if_fail(k != NULL && (k->type == WS_VAL_DIST || k->type == WS_VAL_QUANTITY), zero);
  ws_dist d = v->d;
  if (k->type == WS_VAL_QUANTITY) {
    d = zero;
    d.kind = WS_DIST_FIXED;
    d.a = v->word ? (ws_quantity){k->unit, 0, 0} : v->q;
  }
  ws_schema_value_clear(&tmp);
  return d;
}

char **ws_group_list(const ws_group *g, const char *key) {
  g_return_val_if_fail(g != NULL && key != NULL, NULL);
  const ws_key_spec *k = ws_schema_key(g->spec, key);
  g_return_val_if_fail(k != NULL, NULL);
  const ws_entry *e = group_entry(g, key);
  const char *text = e ? e->value : k->def;
  if (!text) return g_new0(char *, 1);
  bool points = k->type == WS_VAL_POINTS || k->type == WS_VAL_WAYPOINTS;
  char **items = g_strsplit(text, points ? ";" : ",", -1);
  for (char **i = items; *i; i++) g_strstrip(*i);
  return items;
}

unsigned ws_group_coords(const ws_group *g, const char *key, double *out, unsigned max) {
  g_return_val_if_fail(g != NULL && key != NULL, 0);
  const ws_key_spec *k;
  ws_value tmp;
  const ws_value *v = value_of(g, key, &k, &tmp);
  g_return_val_if_fail(k != NULL && (k->type == WS_VAL_POINT || k->type == WS_VAL_AREA ||
                                     k->type == WS_VAL_POINTS || k->type == WS_VAL_WAYPOINTS),
                       0);
  unsigned n = v->n_coords;
  for (unsigned i = 0; i < n && i < max; i++) out[i] = v->coords[i];
  ws_schema_value_clear(&tmp);
  return n;
}

/* ---- wisim list models ------------------------------------------------------------------- */

/* Appends item to s, after ", " unless first, starting a new line indented
 * by indent columns when the line would pass 79 columns. */
static void append_wrapped(GString *s, const char *item, bool first, unsigned indent) {
  const char *line = strrchr(s->str, '\n');
  size_t col = line ? s->len - (size_t)(line + 1 - s->str) : s->len;
  if (!first) g_string_append_c(s, ',');
  if (!first && col + 2 + strlen(item) > 79) {
    g_string_append_c(s, '\n');
    for (unsigned i = 0; i < indent; i++) g_string_append_c(s, ' ');
  } else if (!first) {
    g_string_append_c(s, ' ');
  }
  g_string_append(s, item);
}

char *ws_scenario_describe_models(void) {
  GString *s = g_string_new("Group kinds (\"not yet\": comes with a later version of wisim):\n  ");
  bool first = true;
  for (int pass = 0; pass < 2; pass++) /* those available first */
    for (int i = 0; i < WS_KIND_N; i++) {
      const ws_kind_spec *k = &ws_schema_kinds[i];
      if (k->supported != (pass == 0)) continue;
      char *item = g_strdup_printf("[%s%s]%s", k->kind, k->named ? " NAME" : "",
                                   k->supported ? "" : " (not yet)");
      append_wrapped(s, item, first, 2);
      first = false;
      g_free(item);
    }
  g_string_append(s, "\n\nModels, by key [default]:\n");
  for (int i = 0; i < WS_KIND_N; i++) {
    const ws_kind_spec *k = &ws_schema_kinds[i];
    for (unsigned j = 0; j < k->n_keys; j++) {
      const ws_key_spec *key = &k->keys[j];
      if (key->type != WS_VAL_ENUM) continue;
      bool key_ok = k->supported && !(key->flags & WS_KEY_UNSUPPORTED);
      g_string_append_printf(s, "  [%s] %s", k->kind, key->key);
      if (key->def) g_string_append_printf(s, " [%s]", key->def);
      g_string_append(s, ": ");
      for (const ws_choice *c = key->choices; c->name; c++) {
        char *item = g_strdup_printf("%s%s", c->name, key_ok && c->supported ? "" : " (not yet)");
        append_wrapped(s, item, c == key->choices, 6);
        g_free(item);
      }
      g_string_append_c(s, '\n');
    }
  }
  g_string_append(s, "\nUnits: time ns us ms s min h; distance m km; power dBm W mW; ratio dB;\n"
                     "gain dBi; frequency Hz kHz MHz GHz; rate bit/s kbit/s Mbit/s Gbit/s (bps kbps\n"
                     "Mbps Gbps) or pkt/s; size B kB MB GB KiB MiB GiB or packets p; speed m/s km/h;\n"
                     "angle deg; temperature K; probability 0.01 or 1%.\n"
                     "Random values: A..B (uniform), exp(MEAN), pareto(MEAN, SHAPE).\n");
  return g_string_free(s, FALSE);
}
