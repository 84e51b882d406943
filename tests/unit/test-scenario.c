/* Tests of the scenario loader (sim/scenario): typed values and defaults,
 * every class of error with its exact message and line, all errors at once,
 * did-you-mean, overrides, the text as run and its SHA-256, expansion of
 * counted groups, the schema's own defaults, and fuzz-found regressions. */
#include <glib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#include "../../sim/scenario/scenario-int.h"
#include "wisim/antenna.h"
#include "wisim/pathloss.h"
#include "wisim/queue.h"
#include "wisim/scenario.h"
#include "wisim/scheduler.h"
#include "wisim/tcp.h"
#include "wisim/traffic.h"
#include "wisim/units.h"

/* A small valid wired scenario used by several tests. Line numbers matter. */
static const char good[] =
    "# comment line\n"                      /* 1 */
    "[simulation]\n"                        /* 2 */
    "duration = 10s\n"                      /* 3 */
    "seed = 7 # the seed\n"                 /* 4 */
    "warmup = 1.5ms\n"                      /* 5 */
    "\n"                                    /* 6 */
    "[host server]\n"                       /* 7 */
    "[host clients]\n"                      /* 8 */
    "count = 4\n"                           /* 9 */
    "[router edge]\n"                       /* 10 */
    "; another comment\n"                   /* 11 */
    "[link up]\n"                           /* 12 */
    "between = edge, core\n"                /* 13 */
    "rate = 8Mbit/s\n"                      /* 14 */
    "delay = 10ms\n"                        /* 15 */
    "queue_limit = 64kB\n"                  /* 16 */
    "[link down]\n"                         /* 17 */
    "between = core, server\n"              /* 18 */
    "rate = 1Gbit/s\n"                      /* 19 */
    "loss = 1%\n"                           /* 20 */
    "[link access]\n"                       /* 21 */
    "between = clients/2, edge\n"           /* 22 */
    "rate = 100Mbit/s\n"                    /* 23 */
    "[flow video]\n"                        /* 24 */
    "from = clients\n"                      /* 25 */
    "to = server\n"                         /* 26 */
    "rate = 2Mbit/s\n"                      /* 27 */
    "[flow pings]\n"                        /* 28 */
    "from = server\n"                       /* 29 */
    "to = clients/3\n"                      /* 30 */
    "type = poisson\n"                      /* 31 */
    "rate = 100pkt/s\n"                     /* 32 */
    "packet_size = exp(500B)\n"             /* 33 */
    "start = 2s\n"                          /* 34 */
    "stop = 8s\n";                          /* 35 */

static ws_scenario *load_ok(const char *text, const char *const *sets) {
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load_data("t.ini", text, strlen(text), sets, &error);
  if (!sc) g_printerr("unexpected error:\n%s\n", error->message);
  g_assert_no_error(error);
  g_assert_nonnull(sc);
  return sc;
}

/* The error message of a load that must fail. Caller frees. */
static char *load_err(const char *text, const char *const *sets) {
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load_data("t.ini", text, strlen(text), sets, &error);
  g_assert_null(sc);
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

/* Asserts that text fails with exactly the message want. */
static void assert_err(const char *text, const char *const *sets, const char *want) {
  char *msg = load_err(text, sets);
  g_assert_cmpstr(msg, ==, want);
  g_free(msg);
}

#define SIM "[simulation]\nduration = 10s\n" /* two lines */

/* ---- good scenarios ---------------------------------------------------------- */

static void test_typed_values(void) {
  ws_scenario *sc = load_ok(good, NULL);
  g_assert_cmpuint(ws_scenario_n_groups(sc), ==, 9);
  g_assert_cmpstr(ws_scenario_name(sc), ==, "t");
  g_assert_cmpstr(ws_scenario_path(sc), ==, "t.ini");
  g_assert_null(ws_scenario_warnings(sc)[0]);
  g_assert_null(ws_scenario_overrides(sc)[0]);

  const ws_group *sim = ws_scenario_find(sc, "simulation", NULL);
  g_assert_nonnull(sim);
  g_assert_cmpstr(ws_group_kind(sim), ==, "simulation");
  g_assert_null(ws_group_name(sim));
  g_assert_cmpint(ws_group_line(sim), ==, 2);
  g_assert_cmpint(ws_group_time(sim, "duration"), ==, 10 * WS_S);
  g_assert_cmpint(ws_group_int(sim, "seed"), ==, 7);
  g_assert_cmpint(ws_group_key_line(sim, "seed"), ==, 4);
  g_assert_cmpint(ws_group_time(sim, "warmup"), ==, 1500000); /* exactly 1.5 ms */
  /* Defaults from the table. */
  g_assert_cmpint(ws_group_int(sim, "runs"), ==, 1);
  g_assert_cmpint(ws_group_time(sim, "metrics_interval"), ==, WS_S);
  g_assert_false(ws_group_has(sim, "runs"));
  g_assert_cmpint(ws_group_key_line(sim, "runs"), ==, 0);
  g_assert_null(ws_group_string(sim, "output"));
  g_assert_cmpstr(ws_group_string(sim, "seed"), ==, "7"); /* the comment is not part of it */

  const ws_group *clients = ws_scenario_find(sc, "host", "clients");
  g_assert_cmpint(ws_group_count(clients), ==, 4);
  g_assert_cmpint(ws_group_int(clients, "count"), ==, 4);
  g_assert_cmpint(ws_group_count(ws_scenario_find(sc, "host", "server")), ==, 0);
  g_assert_null(ws_scenario_find(sc, "router", "server")); /* wrong kind */
  g_assert_null(ws_scenario_find(sc, "host", "nobody"));

  const ws_group *up = ws_scenario_find(sc, "link", "up");
  ws_quantity rate = ws_group_quantity(up, "rate");
  g_assert_cmpint(rate.kind, ==, WS_UNIT_RATE);
  g_assert_cmpint(rate.exact, ==, 8000000);
  g_assert_cmpint(ws_group_time(up, "delay"), ==, 10 * WS_MS);
  ws_quantity limit = ws_group_quantity(up, "queue_limit");
  g_assert_cmpint(limit.kind, ==, WS_UNIT_SIZE);
  g_assert_cmpint(limit.exact, ==, 64000);
  g_assert_cmpstr(ws_group_enum(up, "queue"), ==, "droptail");
  g_assert_false(ws_group_bool(up, "ecn"));
  g_assert_cmpfloat(ws_group_number(up, "loss"), ==, 0.0);
  char **ends = ws_group_list(up, "between");
  g_assert_cmpuint(g_strv_length(ends), ==, 2);
  g_assert_cmpstr(ends[0], ==, "edge");
  g_assert_cmpstr(ends[1], ==, "core");
  g_strfreev(ends);

  const ws_group *down = ws_scenario_find(sc, "link", "down");
  g_assert_cmpfloat(ws_group_number(down, "loss"), ==, 0.01);
  g_assert_cmpint(ws_group_time(down, "delay"), ==, 0);
  limit = ws_group_quantity(down, "queue_limit"); /* default 100p */
  g_assert_cmpint(limit.kind, ==, WS_UNIT_PACKETS);
  g_assert_cmpint(limit.exact, ==, 100);
  g_assert_cmpint(ws_group_quantity(down, "mtu").exact, ==, 1500);

  const ws_group *video = ws_scenario_find(sc, "flow", "video");
  g_assert_cmpstr(ws_group_enum(video, "transport"), ==, "udp");
  g_assert_cmpstr(ws_group_enum(video, "type"), ==, "cbr");
  g_assert_null(ws_group_string(video, "type"));
  ws_dist size = ws_group_dist(video, "packet_size");
  g_assert_cmpint(size.kind, ==, WS_DIST_FIXED);
  g_assert_cmpint(size.a.exact, ==, 1200);
  g_assert_cmpint(ws_group_time(video, "start"), ==, 0);
  g_assert_cmpstr(ws_group_word(video, "stop"), ==, "end");
  g_assert_cmpint(ws_group_time(video, "stop"), ==, 10 * WS_S); /* end = the duration */

  const ws_group *pings = ws_scenario_find(sc, "flow", "pings");
  rate = ws_group_quantity(pings, "rate");
  g_assert_cmpint(rate.kind, ==, WS_UNIT_PKT_RATE);
  g_assert_cmpfloat(rate.value, ==, 100.0);
  size = ws_group_dist(pings, "packet_size");
  g_assert_cmpint(size.kind, ==, WS_DIST_EXP);
  g_assert_cmpint(size.a.exact, ==, 500);
  g_assert_null(ws_group_word(pings, "stop"));
  g_assert_cmpint(ws_group_time(pings, "stop"), ==, 8 * WS_S);
  g_assert_cmpint(ws_group_key_line(pings, "stop"), ==, 35);
  ws_scenario_free(sc);
}

/* Every default of the table parses with the parser used for values, and
 * satisfies the key's own limits. */
static void test_schema_defaults(void) {
  unsigned n_defaults = 0;
  for (int i = 0; i < WS_KIND_N; i++) {
    const ws_kind_spec *k = &ws_schema_kinds[i];
    g_assert_cmpint(ws_schema_kind_id(k->kind), ==, i);
    for (unsigned j = 0; j < k->n_keys; j++) {
      const ws_key_spec *key = &k->keys[j];
      g_assert_true(ws_schema_key(k, key->key) == key); /* names unique in a kind */
      if (key->type == WS_VAL_ENUM) g_assert_nonnull(key->choices);
      if (key->flags & (WS_KEY_UNSUPPORTED | WS_KEY_YES_UNSUPPORTED)) g_assert_nonnull(key->why);
      if (!key->def) continue;
      ws_value v;
      char *expected = NULL;
      if (!ws_schema_parse(key, key->def, &v, &expected))
        g_error("default [%s] %s = %s does not parse (%s)", k->kind, key->key, key->def, expected);
      char *why = ws_schema_check_limit(key, &v);
      if (why) g_error("default [%s] %s = %s: %s", k->kind, key->key, key->def, why);
      ws_schema_value_clear(&v);
      n_defaults++;
    }
  }
  g_assert_cmpuint(n_defaults, >, 80);
}

static void test_bom_crlf_comments(void) {
  const char text[] = "\xEF\xBB\xBF# BOM first\r\n"
                      "[simulation]\r\n"
                      "  duration = 2s   # two seconds\r\n"
                      "output = lab#1\t# a '#' inside a word is part of the value\r\n"
                      "\t; indented comment\r\n"
                      "name=x\r\n"
                      "[host a]   # a comment after a header\r\n";
  ws_scenario *sc = load_ok(text, NULL);
  const ws_group *sim = ws_scenario_find(sc, "simulation", NULL);
  g_assert_cmpint(ws_group_time(sim, "duration"), ==, 2 * WS_S);
  g_assert_cmpstr(ws_group_string(sim, "output"), ==, "lab#1");
  g_assert_cmpstr(ws_group_string(sim, "name"), ==, "x");
  g_assert_cmpint(ws_group_key_line(sim, "name"), ==, 6);
  g_assert_nonnull(ws_scenario_find(sc, "host", "a"));
  ws_scenario_free(sc);
}

/* ---- errors ---------------------------------------------------------------------- */

static void test_syntax_errors(void) {
  assert_err(SIM "garbage\n"
                 "[host a\n"
                 "[]\n"
                 "[host a b]\n"
                 " = 3\n",
             NULL,
             "t.ini:3: expected key = value, a group header [kind NAME] or a comment, found \"garbage\"\n"
             "t.ini:4: expected a group header [kind] or [kind NAME], found \"[host a\"\n"
             "t.ini:5: expected a group header [kind] or [kind NAME], found \"[]\"\n"
             "t.ini:6: expected a group header [kind] or [kind NAME], found \"[host a b]\"\n"
             "t.ini:7: a key is missing before '='");
  assert_err("duration = 1s\n" SIM, NULL,
             "t.ini:1: duration: a key outside of any group (put it under a header such as "
             "[simulation])");
  assert_err(SIM "[host a]\nname = \xff\xfe\n", NULL, "t.ini:4: the line is not valid UTF-8 text");
  /* Long found text is shortened. */
  char *long_line = g_strnfill(100, 'x');
  char *text = g_strdup_printf(SIM "%s\n", long_line);
  char *want = g_strdup_printf("t.ini:3: expected key = value, a group header [kind NAME] or a "
                               "comment, found \"%.60s...\"",
                               long_line);
  assert_err(text, NULL, want);
  g_free(long_line);
  g_free(text);
  g_free(want);
}

/* Strings that are not C strings (a NUL byte in the middle) are read whole. */
static void test_nul_byte(void) {
  static const char text[] = "[simulation]\nduration = 1s\n[host a]\nx\0y = 1\n";
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load_data("t.ini", text, sizeof text - 1, NULL, &error);
  g_assert_null(sc);
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_INVALID);
  g_assert_cmpstr(error->message, ==, "t.ini:4: the line contains a NUL byte (is this a text file?)");
  g_error_free(error);
}

static void test_groups_errors(void) {
  assert_err(SIM "[hots a]\n"
                 "count = 3\n" /* skipped: its group is unknown */
                 "[frobnicate x]\n"
                 "[host]\n"
                 "[host a.b]\n"
                 "[simulation x]\n"
                 "[host core]\n",
             NULL,
             "t.ini:3: [hots a]: unknown group kind \"hots\" (did you mean \"host\"?)\n"
             "t.ini:5: [frobnicate x]: unknown group kind \"frobnicate\" (kinds: simulation, radio, "
             "handover, trace, cell, layout, ue, ap, station, node, host, router, link, flow, "
             "event)\n"
             "t.ini:6: [host]: a host group needs a name: [host NAME]\n"
             "t.ini:7: [host a.b]: a name is made of letters, digits, '-' and '_', found \"a.b\"\n"
             "t.ini:8: [simulation x]: [simulation] takes no name\n"
             "t.ini:8: [simulation]: duplicate group, first at line 1\n"
             "t.ini:9: [host core]: core is the name of the built-in router");
  assert_err(SIM "[host a]\n"
                 "[host a]\n"
                 "[router a]\n"
                 "[link a]\n",
             NULL,
             "t.ini:4: [host a]: duplicate group, first at line 3\n"
             "t.ini:5: [router a]: the name a is already used by [host a] at line 3\n"
             "t.ini:6: [link a]: the name a is already used by [host a] at line 3");
  /* [router core] gives the built-in router keys, but no count. */
  assert_err(SIM "[router core]\ncount = 2\n", NULL,
             "t.ini:4: [router core] count: the built-in router core is one router: no count");
  assert_err("# nothing\n", NULL, "t.ini: no [simulation] group: every scenario needs one, with its duration");
  assert_err("", NULL, "t.ini: no [simulation] group: every scenario needs one, with its duration");
}

static void test_key_errors(void) {
  assert_err(SIM "[link l]\n"
                 "between = core, r\n"
                 "rte = 1Mbit/s\n"
                 "rate = 1Mbit/s\n"
                 "rate = 2Mbit/s\n"
                 "colour = blue\n"
                 "[router r]\n",
             NULL,
             "t.ini:5: [link l] rte: unknown key (did you mean \"rate\"?)\n"
             "t.ini:7: [link l] rate: duplicate key, first at line 6\n"
             "t.ini:8: [link l] colour: unknown key (a [link] has: between, rate, delay, loss, mtu, "
             "queue, red_min, red_max, red_pmax, codel_target, codel_interval, queue_limit, ecn)");
  /* Missing required keys are reported at the header. */
  char *want = g_strdup_printf("t.ini:1: [simulation]: missing required key duration (%s)\n"
                               "t.ini:2: [link l]: missing required key between (two names of a "
                               "host or router separated by a comma, such as a, b)\n"
                               "t.ini:2: [link l]: missing required key rate (a data rate in bit/s "
                               "such as 10Mbit/s)\n"
                               "t.ini:3: [flow f]: missing required key from (the name of a host, "
                               "ue, station or node)\n"
                               "t.ini:3: [flow f]: missing required key to (the name of a host, ue, "
                               "station or node)\n"
                               "t.ini:3: [flow f]: missing required key rate (%s) for type cbr",
                               ws_units_expected(WS_UNIT_TIME), ws_units_expected(WS_UNIT_RATE));
  assert_err("[simulation]\n[link l]\n[flow f]\n", NULL, want);
  g_free(want);
}

static void test_value_errors(void) {
  char *want = g_strdup_printf(
      "t.ini:2: [simulation] duration: must be more than 0, found \"0s\"\n"
      "t.ini:3: [simulation] seed: expected a whole number such as 3, found \"x\"\n"
      "t.ini:4: [simulation] runs: must be between 1 and 100000, found \"0\"\n"
      "t.ini:6: [host h] count: must be between 1 and 100000, found \"100001\"\n"
      "t.ini:9: [link l] rate: expected a data rate in bit/s such as 10Mbit/s, found "
      "\"100pkt/s\"\n"
      "t.ini:10: [link l] delay: expected %s, found \"10\"\n"
      "t.ini:11: [link l] loss: expected %s, found \"150%%\"\n"
      "t.ini:12: [link l] mtu: expected a size in bytes such as 1500B or 64kB, found "
      "\"10p\"\n"
      "t.ini:13: [link l] queue: expected one of droptail, red, codel, found \"dropteil\" (did you "
      "mean \"droptail\"?)\n"
      "t.ini:14: [link l] ecn: expected yes or no (also on/off, true/false), found \"maybe\"\n"
      "t.ini:15: [link l] queue_limit: must be more than 0, found \"0p\"\n"
      "t.ini:21: [flow f] packet_size: must be more than 0, found \"0B..10B\"\n"
      "t.ini:22: [flow f] start: expected %s, found \"-1s\"\n"
      "t.ini:23: [flow f] stop: expected %s, or end, found \"never\"",
      ws_units_expected(WS_UNIT_TIME), ws_units_expected(WS_UNIT_PROBABILITY),
      ws_units_expected(WS_UNIT_TIME), ws_units_expected(WS_UNIT_TIME));
  assert_err("[simulation]\n"       /* 1 */
             "duration = 0s\n"      /* 2 */
             "seed = x\n"           /* 3 */
             "runs = 0\n"           /* 4 */
             "[host h]\n"           /* 5 */
             "count = 100001\n"     /* 6 */
             "[link l]\n"           /* 7 */
             "between = h/0, core\n" /* 8: no second error for the count */
             "rate = 100pkt/s\n"    /* 9 */
             "delay = 10\n"         /* 10 */
             "loss = 150%\n"        /* 11 */
             "mtu = 10p\n"          /* 12 */
             "queue = dropteil\n"   /* 13 */
             "ecn = maybe\n"        /* 14 */
             "queue_limit = 0p\n"   /* 15 */
             "[host k]\n"           /* 16 */
             "[flow f]\n"           /* 17 */
             "from = k\n"           /* 18 */
             "to = h\n"             /* 19 */
             "rate = 1Mbit/s\n"     /* 20 */
             "packet_size = 0B..10B\n" /* 21 */
             "start = -1s\n"        /* 22 */
             "stop = never\n",      /* 23 */
             NULL, want);
  g_free(want);
}

static void test_reference_errors(void) {
  assert_err(SIM "[host server]\n"         /* 3 */
                 "[host clients]\n"        /* 4 */
                 "count = 3\n"             /* 5 */
                 "[host others]\n"         /* 6 */
                 "count = 2\n"             /* 7 */
                 "[link a]\n"              /* 8 */
                 "between = sever, core\n" /* 9 */
                 "rate = 1Mbit/s\n"        /* 10 */
                 "[link b]\n"              /* 11 */
                 "between = server, server\n" /* 12 */
                 "rate = 1Mbit/s\n"        /* 13 */
                 "[link c]\n"              /* 14 */
                 "between = clients/3, server/0\n" /* 15 */
                 "rate = 1Mbit/s\n"        /* 16 */
                 "[flow f]\n"              /* 17 */
                 "from = clients\n"        /* 18 */
                 "to = others\n"           /* 19 */
                 "rate = 1Mbit/s\n"        /* 20 */
                 "[flow g]\n"              /* 21 */
                 "from = clients/1\n"      /* 22 */
                 "to = clients\n"          /* 23 */
                 "rate = 1Mbit/s\n"        /* 24 */
                 "[flow h]\n"              /* 25 */
                 "from = a\n"              /* 26 */
                 "to = core\n"             /* 27 */
                 "rate = 1Mbit/s\n"        /* 28 */
                 "[flow i]\n"              /* 29 */
                 "from = clients/01\n"     /* 30 */
                 "to = server\n"           /* 31 */
                 "rate = 1Mbit/s\n",       /* 32 */
             NULL,
             "t.ini:9: [link a] between: no host or router named \"sever\" (did you mean \"server\"?)\n"
             "t.ini:12: [link b] between: both ends are server: a link needs two different ends\n"
             "t.ini:15: [link c] between: \"clients/3\": clients has 3 members, clients/0 to clients/2\n"
             "t.ini:15: [link c] between: \"server/0\": server has no count, so it is one entity "
             "named server\n"
             "t.ini:19: [flow f] to: clients has 3 members and others has 2: two groups are paired "
             "member by member, so they need the same size\n"
             "t.ini:23: [flow g] to: clients/1 is one of clients: a flow needs two different ends\n"
             "t.ini:26: [flow h] from: \"a\" is [link a], expected the name of a host, ue, station or "
             "node\n"
             "t.ini:27: [flow h] to: no host, ue, station or node named \"core\"\n"
             "t.ini:30: [flow i] from: \"clients/01\": clients has 3 members, clients/0 to clients/2");
}

static void test_impossible_times(void) {
  assert_err(SIM "warmup = 10s\n"
                 "[host a]\n[host b]\n"
                 "[flow f]\nfrom = a\nto = b\nrate = 1Mbit/s\nstart = 5s\nstop = 5s\n",
             NULL,
             "t.ini:3: [simulation] warmup: must be less than the duration (10s), found \"10s\"\n"
             "t.ini:11: [flow f] stop: must be after start (5s), found \"5s\"");
}

/* Everything at once: one message per problem, in line order. */
static void test_all_together(void) {
  char *msg = load_err("[simulation]\n"     /* 1: duration missing */
                       "sed = 3\n"          /* 2 */
                       "[hosts a]\n"        /* 3 */
                       "[host b]\n"         /* 4 */
                       "count = two\n"      /* 5 */
                       "[link l]\n"         /* 6 */
                       "between = b, c\n"   /* 7 */
                       "rate = fast\n"      /* 8 */
                       "oops\n",            /* 9 */
                       NULL);
  char **lines = g_strsplit(msg, "\n", -1);
  g_assert_cmpuint(g_strv_length(lines), ==, 7);
  static const char *const starts[] = {"t.ini:1: [simulation]: missing required key duration",
                                       "t.ini:2: [simulation] sed: unknown key (did you mean \"seed\"?)",
                                       "t.ini:3: [hosts a]: unknown group kind \"hosts\" (did you mean \"host\"?)",
                                       "t.ini:5: [host b] count: expected a whole number",
                                       "t.ini:7: [link l] between: no host or router named \"c\"",
                                       "t.ini:8: [link l] rate: expected a data rate",
                                       "t.ini:9: expected key = value"};
  for (unsigned i = 0; i < G_N_ELEMENTS(starts); i++)
    if (!g_str_has_prefix(lines[i], starts[i]))
      g_error("line %u: got \"%s\", wanted it to start with \"%s\"", i, lines[i], starts[i]);
  g_strfreev(lines);
  g_free(msg);
}

static void test_did_you_mean(void) {
  /* Transposition, case, and a word too far from any key. */
  assert_err(SIM "[host a]\n[link l]\nbetween = a, core\nrate = 1Mbit/s\ndleay = 1ms\nQueue = red\n", NULL,
             "t.ini:7: [link l] dleay: unknown key (did you mean \"delay\"?)\n"
             "t.ini:8: [link l] Queue: unknown key (did you mean \"queue\"?)");
  assert_err(SIM "[rooter r]\n", NULL, "t.ini:3: [rooter r]: unknown group kind \"rooter\" (did you mean \"router\"?)");
  assert_err(SIM "[host a]\n[host b]\n[flow f]\nfrom = a\nto = b\nrate = 1Mbit/s\ntransport = ucp\n", NULL,
             "t.ini:9: [flow f] transport: expected one of udp, tcp, found \"ucp\" (did you mean \"udp\"?)");
}

/* A scenario mixing models: the values of every group are checked (the
 * "not supported yet" errors of unbuilt kinds are in tests/scenarios/bad/not-yet.ini). */
static void test_unsupported(void) {
  assert_err(SIM "[radio]\n"                  /* 3 */
                 "pathloss = 3gpp-uma\n"      /* 4 */
                 "[cell A]\n"                 /* 5 */
                 "position = 0, 0\n"          /* 6 */
                 "tx_power = 46\n"            /* 7: still checked */
                 "[ue walkers]\n"             /* 8 */
                 "count = 20\n"               /* 9 */
                 "mobility = random-waypoint\n" /* 10 */
                 "speed = 1..3m/s\n"          /* 11 */
                 "[host server]\n"            /* 12 */
                 "[link l]\n"                 /* 13 */
                 "between = server, core\n"   /* 14 */
                 "rate = 1Gbit/s\n"           /* 15 */
                 "queue = codel\n"            /* 16 */
                 "codel_target = 5ms\n"       /* 17 */
                 "ecn = on\n"                 /* 18 */
                 "[flow video]\n"             /* 19 */
                 "from = server\n"            /* 20 */
                 "to = walkers\n"             /* 21 */
                 "transport = tcp\n"          /* 22 */
                 "type = full-buffer\n"       /* 23 */
                 "size = 10MB\n"              /* 24 */
                 "[event cut]\n"              /* 25 */
                 "at = 5s\n"                  /* 26 */
                 "action = cell-off\n"        /* 27 */
                 "target = l\n",              /* 28 */
             NULL,
             "t.ini:7: [cell A] tx_power: expected a power such as 46dBm or 20W, found \"46\"\n"
             "t.ini:28: [event cut] target: \"l\" is [link l], expected the name of a cell for action cell-off");
}

/* A layout's cells are NAME/SITE.SECTOR: 1 + 3 r (r + 1) sites (7 for one
 * ring, as in 3GPP TR 36.814's 19-site layout for two) times the sectors. */
static void test_layout_references(void) {
  assert_err(SIM "[layout L]\n"   /* 3 */
                 "rings = 1\n"    /* 4 */
                 "[ue u]\n"       /* 5 */
                 "cell = L/7.0\n" /* 6 */
                 "[ue v]\n"       /* 7 */
                 "cell = L/1\n"   /* 8 */
                 "[ue w]\n"       /* 9 */
                 "cell = L/6.2\n" /* 10: the last cell, fine */
                 "[ue x]\n"       /* 11 */
                 "cell = u\n",    /* 12 */
             NULL,
             "t.ini:6: [ue u] cell: \"L/7.0\": layout L has sites 0 to 6 and sectors 0 to 2\n"
             "t.ini:8: [ue v] cell: \"L/1\": the cells of layout L are named L/SITE.SECTOR, such as L/0.1\n"
             "t.ini:12: [ue x] cell: \"u\" is [ue u], expected the name of a cell or layout");
}

/* ---- overrides, text as run ------------------------------------------------------------ */

static void test_overrides(void) {
  const char *const sets[] = {"link up.rate=4Mbit/s", "simulation.runs=3", "down.mtu = 9000B",
                              "flow video.packet_size=exp(1kB)", NULL};
  ws_scenario *sc = load_ok(good, sets);
  const ws_group *up = ws_scenario_find(sc, "link", "up");
  g_assert_cmpint(ws_group_quantity(up, "rate").exact, ==, 4000000);
  g_assert_cmpint(ws_group_key_line(up, "rate"), ==, 14); /* keeps its file line */
  const ws_group *sim = ws_scenario_find(sc, "simulation", NULL);
  g_assert_cmpint(ws_group_int(sim, "runs"), ==, 3);
  g_assert_true(ws_group_has(sim, "runs"));
  g_assert_cmpint(ws_group_key_line(sim, "runs"), ==, 2); /* added: its group's header */
  g_assert_cmpint(ws_group_quantity(ws_scenario_find(sc, "link", "down"), "mtu").exact, ==, 9000);
  const char *const *given = ws_scenario_overrides(sc);
  g_assert_cmpuint(g_strv_length((char **)given), ==, 4);
  g_assert_cmpstr(given[2], ==, "down.mtu = 9000B");

  /* The text as run: replaced in place (comment kept), added at the end of
   * the group (after its last key line). */
  const char *text = ws_scenario_text(sc);
  g_assert_nonnull(strstr(text, "seed = 7 # the seed\nwarmup = 1.5ms\nruns = 3\n\n[host server]\n"));
  g_assert_nonnull(strstr(text, "rate = 4Mbit/s\ndelay = 10ms\n"));
  g_assert_nonnull(strstr(text, "loss = 1%\nmtu = 9000B\n[link access]\n"));
  g_assert_nonnull(strstr(text, "rate = 2Mbit/s\npacket_size = exp(1kB)\n[flow pings]\n"));
  /* ...and it loads to the same values, with the same hash. */
  ws_scenario *again = load_ok(text, NULL);
  g_assert_cmpint(ws_group_int(ws_scenario_find(again, "simulation", NULL), "runs"), ==, 3);
  g_assert_cmpstr(ws_scenario_text(again), ==, text);
  g_assert_cmpstr(ws_scenario_sha256(again), ==, ws_scenario_sha256(sc));
  ws_scenario_free(again);
  ws_scenario_free(sc);

  /* The last of two overrides of one key wins. */
  const char *const twice[] = {"up.rate=1Mbit/s", "link up.rate=3Mbit/s", NULL};
  sc = load_ok(good, twice);
  g_assert_cmpint(ws_group_quantity(ws_scenario_find(sc, "link", "up"), "rate").exact, ==, 3000000);
  ws_scenario_free(sc);
}

static void test_override_errors(void) {
  const char *const sets[] = {"link up.rate=x",   "link nowhere.rate=1Mbit/s", "link up.rte=1Mbit/s",
                              "norate",           "up.=3",                     "link upp.delay=1ms",
                              "up.delay=1ms #x",  "simulation.seed=-1",        NULL};
  assert_err(good, sets,
             "--set 'link up.rate=x': [link up] rate: expected a data rate in bit/s such as 10Mbit/s, "
             "found \"x\"\n"
             "--set 'link nowhere.rate=1Mbit/s': no group [link nowhere] in the scenario\n"
             "--set 'link up.rte=1Mbit/s': [link up] rte: unknown key (did you mean \"rate\"?)\n"
             "--set 'norate': expected GROUP.key=value, such as 'link uplink.rate=10Mbit/s'\n"
             "--set 'up.=3': expected GROUP.key=value, such as 'link uplink.rate=10Mbit/s'\n"
             "--set 'link upp.delay=1ms': no group [link upp] in the scenario (did you mean \"link up\"?)\n"
             "--set 'up.delay=1ms #x': a value cannot contain a line break or a \" #\" comment\n"
             "--set 'simulation.seed=-1': [simulation] seed: must not be negative, found \"-1\"");
  /* A problem is one line, whatever the override or the file holds. */
  const char *const newline[] = {"up.ra\nte=1", NULL};
  assert_err(good, newline, "--set 'up.ra?te=1': [link up] ra?te: unknown key (did you mean \"rate\"?)");
  assert_err(SIM "name = a\tb\r\n", NULL,
             "t.ini:3: [simulation] name: expected a name of letters, digits, '-', '_' and '.', found "
             "\"a?b\"");
  /* An override does not create groups, not even the built-in router's. */
  const char *const core[] = {"router core.count=2", NULL};
  assert_err(good, core, "--set 'router core.count=2': no group [router core] in the scenario");
  /* An override can repair the file. */
  const char *const fix[] = {"simulation.duration=5s", NULL};
  ws_scenario *sc = load_ok("[simulation]\nduration = 0s\n", fix);
  g_assert_cmpstr(ws_scenario_text(sc), ==, "[simulation]\nduration = 5s\n");
  ws_scenario_free(sc);
}

static void test_text_and_sha256(void) {
  /* Without overrides, the text as run is the file, byte for byte (BOM,
   * CRLF, comments, no final newline), and its hash is the file's. */
  const char text[] = "\xEF\xBB\xBF[simulation]\r\nduration = 1s # one\r\n[host a]";
  ws_scenario *sc = load_ok(text, NULL);
  g_assert_cmpstr(ws_scenario_text(sc), ==, text);
  char *sha = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
  g_assert_cmpstr(ws_scenario_sha256(sc), ==, sha);
  g_free(sha);
  ws_scenario_free(sc);

  /* A fixed hash (from sha256sum) pins the text and the digest format. */
  sc = load_ok("[simulation]\nduration = 1s\n", NULL);
  g_assert_cmpstr(ws_scenario_sha256(sc), ==,
                  "85f35d109f9682ceb32ad0230968653a533b751f92d8fb3a96305011c0f46ee1");
  ws_scenario_free(sc);

  /* A key added to a last line without newline starts a line of its own;
   * a value after "key =" with no blank gets one. */
  const char *const sets[] = {"a.count=2", "simulation.duration=2s", NULL};
  sc = load_ok("[simulation]\nduration =1s\n[host a]", sets);
  g_assert_cmpstr(ws_scenario_text(sc), ==, "[simulation]\nduration = 2s\n[host a]\ncount = 2\n");
  ws_scenario_free(sc);
}

static void test_names_and_values(void) {
  const char text[] = "[simulation]\n"
                      "duration = 1s\n"
                      "name = lab-1.v2\n"
                      "output = my results/run # a comment\n";
  ws_scenario *sc = load_ok(text, NULL);
  g_assert_cmpstr(ws_scenario_name(sc), ==, "lab-1.v2");
  g_assert_cmpstr(ws_group_string(ws_scenario_find(sc, "simulation", NULL), "output"), ==,
                  "my results/run");
  ws_scenario_free(sc);
  assert_err("[simulation]\nduration = 1s\nname = lab#1\n", NULL,
             "t.ini:3: [simulation] name: expected a name of letters, digits, '-', '_' and '.', found "
             "\"lab#1\"");
  /* " #" starts a comment; a '#' right after "= " too. */
  assert_err("[simulation]\nduration = #1s\n", NULL,
             "t.ini:2: [simulation] duration: expected a time such as 20ms or 1.5s, found \"\"");
}

static void test_warnings(void) {
  ws_scenario *sc = load_ok("[simulation]\n"
                            "duration = 10s\n"
                            "warmup = 6s\n"
                            "[host a]\n[host b]\n"
                            "[link l]\nbetween = a, b\nrate = 1Mbit/s\nloss = 60%\n"
                            "[flow f]\nfrom = a\nto = b\nrate = 1kbit/s\nstart = 12s\n"
                            "[flow g]\nfrom = b\nto = a\nrate = 1kbit/s\nstop = 5s\n",
                            NULL);
  const char *const *w = ws_scenario_warnings(sc);
  g_assert_cmpuint(g_strv_length((char **)w), ==, 4);
  g_assert_cmpstr(w[0], ==, "t.ini:3: warning: [simulation] warmup: more than half of the duration (10s) is warmup: little is left to measure");
  g_assert_cmpstr(w[1], ==, "t.ini:9: warning: [link l] loss: more than half of the packets are lost (60%)");
  g_assert_cmpstr(w[2], ==, "t.ini:14: warning: [flow f] start: the flow starts at or after the end of the simulation (10s): it sends nothing");
  g_assert_cmpstr(w[3], ==, "t.ini:19: warning: [flow g] stop: the flow stops before the warmup (6s) ends: none of it is measured");
  ws_scenario_free(sc);
}

/* ---- entities -------------------------------------------------------------------------- */

static void test_expand(void) {
  ws_scenario *sc = load_ok(good, NULL);
  char **m = ws_scenario_expand(sc, "clients");
  g_assert_cmpuint(g_strv_length(m), ==, 4);
  g_assert_cmpstr(m[0], ==, "clients/0");
  g_assert_cmpstr(m[3], ==, "clients/3");
  g_strfreev(m);
  m = ws_scenario_expand(sc, "clients/2");
  g_assert_cmpuint(g_strv_length(m), ==, 1);
  g_assert_cmpstr(m[0], ==, "clients/2");
  g_strfreev(m);
  m = ws_scenario_expand(sc, "server");
  g_assert_cmpuint(g_strv_length(m), ==, 1);
  g_assert_cmpstr(m[0], ==, "server");
  g_strfreev(m);
  m = ws_scenario_expand(sc, "core");
  g_assert_cmpuint(g_strv_length(m), ==, 1);
  g_assert_cmpstr(m[0], ==, "core");
  g_strfreev(m);
  g_assert_null(ws_scenario_expand(sc, "clients/4"));
  g_assert_null(ws_scenario_expand(sc, "server/0"));
  g_assert_null(ws_scenario_expand(sc, "nobody"));

  const ws_group *g = ws_scenario_entity_group(sc, "clients/1");
  g_assert_nonnull(g);
  g_assert_cmpstr(ws_group_name(g), ==, "clients");
  g_assert_true(ws_scenario_entity_group(sc, "up") == ws_scenario_find(sc, "link", "up"));
  const ws_group *core = ws_scenario_entity_group(sc, "core");
  g_assert_nonnull(core);
  g_assert_true(core == ws_scenario_find(sc, "router", "core"));
  g_assert_cmpstr(ws_group_kind(core), ==, "router");
  g_assert_cmpint(ws_group_line(core), ==, 0);
  g_assert_null(ws_scenario_entity_group(sc, "nobody"));
  ws_scenario_free(sc);

  /* A [router core] group in the file is the built-in router. */
  sc = load_ok(SIM "[router core]\n[host a]\n[link l]\nbetween = a, core\nrate = 1Mbit/s\n", NULL);
  g_assert_cmpint(ws_group_line(ws_scenario_find(sc, "router", "core")), ==, 3);
  g_assert_true(ws_scenario_entity_group(sc, "core") == ws_scenario_group(sc, 1));
  ws_scenario_free(sc);
}

static void test_groups_paired(void) {
  /* Group to group of equal size, group to one, links fanning out. */
  ws_scenario *sc = load_ok(SIM "[host c]\ncount = 3\n[host s]\ncount = 3\n[router r]\n"
                                "[link l]\nbetween = c, r\nrate = 1Mbit/s\n"
                                "[link m]\nbetween = r, s\nrate = 1Mbit/s\n"
                                "[flow f]\nfrom = c\nto = s\nrate = 1Mbit/s\n"
                                "[flow g]\nfrom = c\nto = s/1\nrate = 1Mbit/s\n",
                            NULL);
  g_assert_cmpuint(ws_scenario_n_groups(sc), ==, 8);
  ws_scenario_free(sc);
  assert_err(SIM "[host c]\ncount = 3\n[host s]\ncount = 3\n"
                 "[link l]\nbetween = c, s\nrate = 1Mbit/s\n",
             NULL,
             "t.ini:8: [link l] between: a link joins one node to one node or to each member of one "
             "group, not two groups");
}

static void test_describe_models(void) {
  char *text = ws_scenario_describe_models();
  g_assert_nonnull(strstr(text, "[link] queue [droptail]: droptail, red, codel\n"));
  g_assert_nonnull(strstr(text, "[event] action: link-down, link-up, cell-off, cell-on\n"));
  g_assert_nonnull(strstr(text, "[flow] transport [udp]: udp, tcp\n"));
  g_assert_nonnull(strstr(text, "[flow] type [cbr]: cbr, poisson, onoff, bulk, voip,"));
  g_assert_nonnull(strstr(text, "ping, full-buffer\n"));
  g_assert_nonnull(strstr(text, "[radio] pathloss [log-distance]: free-space, log-distance,"));
  g_assert_nonnull(strstr(text, "[ue] mobility [static]: static, linear, waypoints,"));
  g_assert_nonnull(strstr(text, "[host NAME]"));
  g_assert_nonnull(strstr(text, "[station NAME] (not yet)"));
  g_free(text);
}

static void test_load_file(void) {
  char *dir = g_dir_make_tmp("test-scenario-XXXXXX", NULL);
  g_assert_nonnull(dir);
  char *path = g_build_filename(dir, "lab1.ini", NULL);
  g_assert_true(g_file_set_contents(path, good, -1, NULL));
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load(path, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(ws_scenario_name(sc), ==, "lab1");
  g_assert_cmpstr(ws_scenario_path(sc), ==, path);
  ws_scenario_free(sc);

  char *missing = g_build_filename(dir, "none.ini", NULL);
  sc = ws_scenario_load(missing, NULL, &error);
  g_assert_null(sc);
  g_assert_error(error, WS_SCENARIO_ERROR, WS_SCENARIO_ERROR_IO);
  char *want = g_strdup_printf("%s: cannot read the scenario: %s", missing, g_strerror(ENOENT));
  g_assert_cmpstr(error->message, ==, want);
  g_free(want);
  g_clear_error(&error);

  /* Errors name the file as given. */
  g_assert_true(g_file_set_contents(path, "[simulation]\nduration = 0s\n", -1, NULL));
  sc = ws_scenario_load(path, NULL, &error);
  g_assert_null(sc);
  want = g_strdup_printf("%s:2: [simulation] duration: must be more than 0, found \"0s\"", path);
  g_assert_cmpstr(error->message, ==, want);
  g_free(want);
  g_clear_error(&error);

  g_remove(path);
  g_rmdir(dir);
  g_free(missing);
  g_free(path);
  g_free(dir);
}

/* ---- edge cases and regressions found by tests/fuzz/fuzz-scenario.c ------------------------ */

/* Found by the fuzzer: an override (or a file name) that is not UTF-8 was
 * copied into the message as is; GError messages must be UTF-8. Invalid
 * bytes now show as U+FFFD, and the override is refused. */
static void test_fuzz_non_utf8(void) {
  const char *const sets[] = {"link wire.r\xff=1", NULL};
  char *msg = load_err("[simulation]\nduration = 1s\n", sets);
  g_assert_true(g_utf8_validate(msg, -1, NULL));
  g_assert_cmpstr(msg, ==, "--set 'link wire.r\xef\xbf\xbd=1': not valid UTF-8 text");
  g_free(msg);
  GError *error = NULL;
  const char text[] = "[simulation]\nduration = 0s\n";
  ws_scenario *sc = ws_scenario_load_data("lab\xfe.ini", text, strlen(text), NULL, &error);
  g_assert_null(sc);
  g_assert_cmpstr(error->message, ==, "lab\xef\xbf\xbd.ini:2: [simulation] duration: must be more than 0, found \"0s\"");
  g_error_free(error);
}

/* Inputs at the edges: each must load or fail cleanly (the sanitizers
 * watch), and a scenario that loads must expand every one of its names. */
static void test_edge_cases(void) {
  static const char *const inputs[] = {
      "[",
      "]",
      "=",
      "[simulation]\nduration=1s\n[host a]\ncount=100000\n[host b]\n[flow f]\nfrom=a/99999\nto=b\nrate=1bit/s\n",
      "[simulation]\nduration=9223372036854775807ns\nwarmup=9223372036854775806ns\n",
      "[simulation]\nduration=1s\n[layout L]\nrings=10\nsectors=6\n[ue u]\ncell=L/330.5\n",
      "[simulation]\nduration=1s\n[event e]\ntarget=L/0.0\naction=cell-on\nat=0s\n[layout L]\n",
      "[simulation]\nduration=1s\n[ue u]\nwaypoints=0,0@1s; 1,1@0s\narea=1,1,0,0\npoints=;\n",
      "[simulation]\nduration=1s\n[trace]\npcap=all,none\n",
      "\xEF\xBB\xBF",
      "\xEF\xBB",
      "[simulation]\r",
  };
  for (unsigned i = 0; i < G_N_ELEMENTS(inputs); i++) {
    GError *error = NULL;
    ws_scenario *sc = ws_scenario_load_data("edge.ini", inputs[i], strlen(inputs[i]), NULL, &error);
    g_assert_true((sc == NULL) != (error == NULL));
    if (sc) {
      for (unsigned j = 0; j < ws_scenario_n_groups(sc); j++) {
        const ws_group *g = ws_scenario_group(sc, j);
        if (!ws_group_name(g)) continue;
        char **members = ws_scenario_expand(sc, ws_group_name(g));
        g_assert_nonnull(members);
        g_strfreev(members);
      }
    }
    ws_scenario_free(sc);
    g_clear_error(&error);
  }
  /* The first one that loads: 100000 members, the last one addressable. */
  GError *error = NULL;
  ws_scenario *sc = ws_scenario_load_data("edge.ini", inputs[3], strlen(inputs[3]), NULL, &error);
  g_assert_no_error(error);
  char **members = ws_scenario_expand(sc, "a");
  g_assert_cmpuint(g_strv_length(members), ==, 100000);
  g_assert_cmpstr(members[99999], ==, "a/99999");
  g_strfreev(members);
  ws_scenario_free(sc);
  /* The longest duration there is, exactly. */
  sc = ws_scenario_load_data("edge.ini", inputs[4], strlen(inputs[4]), NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpint(ws_group_time(ws_scenario_find(sc, "simulation", NULL), "duration"), ==, INT64_MAX);
  g_assert_cmpuint(g_strv_length((char **)ws_scenario_warnings(sc)), ==, 1); /* warmup > half */
  ws_scenario_free(sc);
}

/* The schema says which choices a scenario may use; the model registries
 * say which models exist. Every supported choice must have its model (else
 * the world builder would refuse a scenario the loader accepted), and every
 * registered model must be a supported choice (else nobody can use it). */
static void check_choices(const char *kind, const char *key, bool (*known)(const char *)) {
  const ws_kind_spec *ks = &ws_schema_kinds[ws_schema_kind_id(kind)];
  const ws_key_spec *k = ws_schema_key(ks, key);
  g_assert_nonnull(k);
  g_assert_nonnull(k->choices);
  for (const ws_choice *c = k->choices; c->name; c++) {
    g_test_message("[%s] %s = %s: %s", kind, key, c->name, c->supported ? "supported" : "not yet");
    g_assert_cmpint(c->supported, ==, known(c->name));
  }
}

static bool queue_known(const char *name) { return ws_queue_known(name); }
static bool cc_known(const char *name) { return ws_tcp_cc_find(name) != NULL; }
static bool type_known(const char *name) { return ws_traffic_type_info(name, NULL, NULL); }
static bool pathloss_known(const char *name) { return ws_pathloss_model_from_name(name) >= 0; }
static bool scheduler_known(const char *name) { return ws_scheduler_known(name); }
static bool antenna_known(const char *name) { return ws_antenna_kind_from_name(name) >= 0; }

static bool is_choice(const char *kind, const char *key, const char *name) {
  const ws_key_spec *k = ws_schema_key(&ws_schema_kinds[ws_schema_kind_id(kind)], key);
  for (const ws_choice *c = k->choices; c->name; c++)
    if (strcmp(c->name, name) == 0) return c->supported;
  return false;
}

static void test_schema_matches_registries(void) {
  check_choices("link", "queue", queue_known);
  check_choices("flow", "congestion", cc_known);
  check_choices("flow", "type", type_known);
  check_choices("radio", "pathloss", pathloss_known);
  check_choices("cell", "scheduler", scheduler_known);
  check_choices("cell", "antenna", antenna_known);
  for (const char *const *s = ws_scheduler_names(); *s; s++) g_assert_true(is_choice("cell", "scheduler", *s));
  for (const char *const *t = ws_traffic_types(); *t; t++) g_assert_true(is_choice("flow", "type", *t));
  for (const char *const *c = ws_tcp_cc_names(); *c; c++)
    g_assert_true(is_choice("flow", "congestion", *c));
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/scenario/typed-values", test_typed_values);
  g_test_add_func("/scenario/schema-defaults", test_schema_defaults);
  g_test_add_func("/scenario/bom-crlf-comments", test_bom_crlf_comments);
  g_test_add_func("/scenario/errors/syntax", test_syntax_errors);
  g_test_add_func("/scenario/errors/nul-byte", test_nul_byte);
  g_test_add_func("/scenario/errors/groups", test_groups_errors);
  g_test_add_func("/scenario/errors/keys", test_key_errors);
  g_test_add_func("/scenario/errors/values", test_value_errors);
  g_test_add_func("/scenario/errors/references", test_reference_errors);
  g_test_add_func("/scenario/errors/times", test_impossible_times);
  g_test_add_func("/scenario/errors/all-together", test_all_together);
  g_test_add_func("/scenario/errors/did-you-mean", test_did_you_mean);
  g_test_add_func("/scenario/unsupported", test_unsupported);
  g_test_add_func("/scenario/errors/layout-references", test_layout_references);
  g_test_add_func("/scenario/overrides", test_overrides);
  g_test_add_func("/scenario/overrides/errors", test_override_errors);
  g_test_add_func("/scenario/text-sha256", test_text_and_sha256);
  g_test_add_func("/scenario/names-values", test_names_and_values);
  g_test_add_func("/scenario/warnings", test_warnings);
  g_test_add_func("/scenario/expand", test_expand);
  g_test_add_func("/scenario/groups-paired", test_groups_paired);
  g_test_add_func("/scenario/describe-models", test_describe_models);
  g_test_add_func("/scenario/load-file", test_load_file);
  g_test_add_func("/scenario/edge-cases", test_edge_cases);
  g_test_add_func("/scenario/fuzz/non-utf8", test_fuzz_non_utf8);
  g_test_add_func("/scenario/schema-matches-registries", test_schema_matches_registries);
  return g_test_run();
}
