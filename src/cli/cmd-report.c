/* `dcsim report DIR`: rebuilds report.html in an existing results
 * directory from its files (report/report-page.h), e.g. one written where
 * gnuplot was missing, or by an earlier dcsim.
 *
 * DIR is replaced as a whole, as `run` replaces it: the result files are
 * linked (or, where the file system has no hard links, copied) into a
 * staging directory beside DIR, the page is written there, and the
 * staging directory takes DIR's place.  So a failure, or a signal, leaves
 * DIR as it was. */
#define _DEFAULT_SOURCE 1     /* fdopendir(). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report-page.h"
#include "report/results-dir.h"
#include "scenario/ytree.h"

/* What the signal handler removes. */
static struct results_dir *report_dir;

static void
on_signal(int sig)
{
    results_dir_discard_now(report_dir);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Copies NAME from FROM to TO (both directory descriptors).  0 or an
 * errno value. */
static int
copy_file(int from, int to, const char *name)
{
    int in = openat(from, name, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return errno;
    int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (out < 0) {
        int e = errno;
        close(in);
        return e;
    }
    char buf[65536];
    int e = 0;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            e = r < 0 ? errno : 0;
            break;
        }
        for (ssize_t done = 0; done < r && !e;) {
            ssize_t w = write(out, buf + done, (size_t)(r - done));
            if (w < 0 && errno != EINTR)
                e = errno;
            done += w > 0 ? w : 0;
        }
        if (e)
            break;
    }
    close(in);
    if (close(out) && !e)
        e = errno;
    return e;
}

/* Puts DIR's result files (all but report.html) into RD's staging
 * directory.  NAMES collects the names, which RD records.  0, or an
 * errno value with *ERR allocated. */
static int
stage_files(struct results_dir *rd, const char *dir, char ***names,
            size_t *n, char **err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        *err = xasprintf("cannot read %s: %s", dir, strerror(e));
        return e;
    }
    int e = 0;
    const struct dirent *de;
    while (!e && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
            !strcmp(de->d_name, REPORT_PAGE_FILE))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
            e = errno;
            *err = xasprintf("cannot read %s/%s: %s", dir, de->d_name,
                             strerror(e));
            break;
        }
        if (!S_ISREG(st.st_mode)) {
            /* Replacing DIR would lose it. */
            e = EEXIST;
            *err = xasprintf("%s/%s is not a result file (dcsim writes "
                             "only regular files); refusing to replace %s",
                             dir, de->d_name, dir);
            break;
        }
        *names = xrealloc(*names, (*n + 1) * sizeof **names);
        char *name = (*names)[(*n)++] = xstrdup(de->d_name);
        if ((e = results_dir_note(rd, name))) {
            *err = xasprintf("cannot rebuild %s: too many files", dir);
            break;
        }
        if (linkat(dirfd(d), name, rd->tmp_fd, name, 0))
            e = copy_file(dirfd(d), rd->tmp_fd, name);
        if (e)
            *err = xasprintf("cannot copy %s/%s: %s", dir, name,
                             strerror(e));
    }
    closedir(d);
    return e;
}

/* The page's head is drawn from summary.json (SUMMARY, in DIR): one
 * that is not the object `run` writes (cut short, emptied, overwritten)
 * is bad input, said at its place before DIR is touched.  0, or 2 with
 * the message printed. */
static int
check_summary(const char *summary)
{
    char *text = NULL, *err = NULL;
    size_t len;
    struct ynode *root = NULL;
    if (!read_whole_file(summary, 1024, "the summary.json of a run", &text,
                         &len, &err) &&
        ytree_parse(summary, text, len, &root, &err) &&
        (!root || root->kind != YNODE_MAPPING))
        err = xasprintf("%s:%u:%u: %s; expected the JSON object dcsim run "
                        "writes", summary, root ? root->mark.line : 1,
                        root ? root->mark.col : 1,
                        root ? "not an object" : "no JSON value");
    ytree_free(root);
    free(text);
    if (!err)
        return 0;
    fprintf(stderr, "dcsim report: %s\n", err);
    free(err);
    return 2;
}

int
cmd_report(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error("report", "unknown option '%s'",
                                   argv[i]);
    if (argc != 1)
        return cli_usage_error("report", argc ? "unexpected argument '%s'"
                                              : "expected a results "
                                                "directory%s",
                               argc ? argv[1] : "");
    const char *dir = argv[0];
    struct stat st;
    char *summary = xasprintf("%s/summary.json", dir);
    if (stat(summary, &st) || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "dcsim report: %s: not a results directory (no "
                        "summary.json)\n", dir);
        free(summary);
        return 2;
    }
    int bad = check_summary(summary);
    free(summary);
    if (bad)
        return bad;
    if (!report_page_gnuplot()) {
        fprintf(stderr, "dcsim report: gnuplot not found on PATH (Debian "
                        "package gnuplot-nox): cannot draw %s\n",
                REPORT_PAGE_FILE);
        return 1;
    }
    /* Stop signals wait while the staging directory is made, then remove
     * it. */
    sigset_t stops, saved;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    sigprocmask(SIG_BLOCK, &stops, &saved);
    struct results_dir rd;
    char *err = NULL;
    if (results_dir_open(&rd, dir, &err)) {
        sigprocmask(SIG_SETMASK, &saved, NULL);
        fprintf(stderr, "dcsim report: %s\n", err);
        free(err);
        return 2;
    }
    report_dir = &rd;
    struct sigaction sa, old[3];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_mask = stops;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
    sigaction(SIGHUP, &sa, &old[2]);
    sigprocmask(SIG_SETMASK, &saved, NULL);

    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    int e = stage_files(&rd, dir, &names, &n, &err);
    if (e) {
        rc = e == EEXIST ? 2 : 1;
        results_dir_discard(&rd);
    } else if (report_page_write(&rd, &err)) {
        rc = 1;
        results_dir_discard(&rd);
    } else if (results_dir_commit(&rd, &err)) {
        rc = 1;
    }
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    sigaction(SIGHUP, &old[2], NULL);
    report_dir = NULL;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc) {
        fprintf(stderr, "dcsim report: %s\n", err);
        free(err);
        return rc;
    }
    printf("%s/%s\n", dir, REPORT_PAGE_FILE);
    return 0;
}
