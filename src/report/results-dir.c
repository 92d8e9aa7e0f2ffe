/* The results directory: checked and staged before the run, replaced as a
 * whole after it; see results-dir.h. */
#define _DEFAULT_SOURCE 1     /* realpath(), syscall(). */
#include "report/results-dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include "sim/util.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* A path as shown in a message: a very long one is cut. */
#define SHOWN_MAX 120
#define SHOWN(p) (strlen(p) > SHOWN_MAX ? SHOWN_MAX : (int)strlen(p)), (p), \
                 (strlen(p) > SHOWN_MAX ? "..." : "")

/* "cannot write results to DIR: [WHAT: ]strerror(E)", allocated. */
static char *fail(const char *dir, int e, const char *fmt, ...)
    PRINTF_FMT(3, 4);

static char *
fail(const char *dir, int e, const char *fmt, ...)
{
    char *what = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        what = xvasprintf(fmt, ap);
        va_end(ap);
    }
    char *m = xasprintf("cannot write results to %.*s%s: %s%s%s", SHOWN(dir),
                        what ? what : "", what ? ": " : "", strerror(e));
    free(what);
    return m;
}

/* Whether directory NAME (in AT) may be replaced: it is empty or holds a
 * summary.json, as every directory dcsim writes does.  0, or an errno. */
/* Opens directory NAME in AT for reading, not through a symbolic link
 * when NOFOLLOW.  0 with *D set, or an errno. */
static int
open_dir(int at, const char *name, bool nofollow, DIR **d)
{
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
                                  (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0)
        return errno;
    *d = fdopendir(fd);
    if (!*d) {
        int e = errno;
        close(fd);
        return e;
    }
    return 0;
}

static int
replaceable(int at, const char *name, bool *ok)
{
    DIR *d;
    int e = open_dir(at, name, false, &d);
    if (e)
        return e;
    bool empty = true, summary = false;
    const struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        empty = false;
        if (!strcmp(de->d_name, "summary.json"))
            summary = true;
    }
    closedir(d);
    *ok = empty || summary;
    return 0;
}

/* rm -r NAME in AT, not following symbolic links.  0, or the first
 * errno. */
static int
remove_tree(int at, const char *name)
{
    if (!unlinkat(at, name, 0))
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return errno;
    DIR *d;
    int e = open_dir(at, name, true, &d);
    if (e)
        return e;
    const struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        int r = remove_tree(dirfd(d), de->d_name);
        if (r && !e)
            e = r;
    }
    closedir(d);
    if (unlinkat(at, name, AT_REMOVEDIR) && !e)
        e = errno;
    return e;
}

/* Removes the parents open() made, innermost first. */
static void
unmake_dirs(struct results_dir *rd)
{
    for (size_t i = rd->n_made_dirs; i-- > 0;)
        rmdir(rd->made_dirs[i]);
}

static void
close_dir(struct results_dir *rd)
{
    if (rd->tmp_fd >= 0)
        close(rd->tmp_fd);
    if (rd->parent_fd >= 0)
        close(rd->parent_fd);
    for (size_t i = 0; i < rd->n_made_dirs; i++)
        free(rd->made_dirs[i]);
    free(rd->made_dirs);
    free(rd->dir);
    free(rd->parent);
    free(rd->base);
    memset(rd, 0, sizeof *rd);
    rd->parent_fd = rd->tmp_fd = -1;
}

/* mkdir -p PATH, recording what it made; on failure removes that again
 * (a path too long must not leave a trail of empty directories). */
static int
make_parents(struct results_dir *rd, const char *path, char **err)
{
    char *p = xstrdup(path);
    int e = 0;
    for (char *s = p + 1;; s++) {
        if (*s && *s != '/')
            continue;
        char c = *s;
        *s = '\0';
        if (!mkdir(p, 0777)) {
            rd->made_dirs = xrealloc(rd->made_dirs, (rd->n_made_dirs + 1) *
                                                        sizeof *rd->made_dirs);
            rd->made_dirs[rd->n_made_dirs++] = xstrdup(p);
        } else if (errno != EEXIST) {
            e = errno;
            *err = fail(rd->dir, e, "cannot create %.*s%s", SHOWN(p));
            break;
        }
        *s = c;
        if (!c)
            break;
    }
    free(p);
    if (e)
        unmake_dirs(rd);
    return e;
}

/* Splits PATH (no trailing slash) into RD's parent and base. */
static void
split_path(struct results_dir *rd, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        rd->parent = xstrdup(".");
        rd->base = xstrdup(path);
    } else {
        rd->parent = slash == path ? xstrdup("/")
                                   : xasprintf("%.*s", (int)(slash - path),
                                               path);
        rd->base = xstrdup(slash + 1);
    }
}

/* Fills RD's parent and base for DIR and checks an existing DIR. */
static int
locate(struct results_dir *rd, char **err)
{
    const char *dir = rd->dir;
    if (!*dir) {
        *err = xstrdup("cannot write results: -o names no directory");
        return EINVAL;
    }
    if (strlen(dir) >= PATH_MAX) {
        *err = fail(dir, ENAMETOOLONG, NULL);
        return ENAMETOOLONG;
    }
    struct stat st;
    if (stat(dir, &st)) {
        int e = errno;
        if (e != ENOENT) {
            *err = fail(dir, e, NULL);
            return e;
        }
        /* A symbolic link to nothing: the results could not take its
         * place at the end (a directory cannot replace a link), so it is
         * refused before the run. */
        if (!lstat(dir, &st) && S_ISLNK(st.st_mode)) {
            *err = xasprintf("cannot write results to %.*s%s: a symbolic "
                             "link to nothing; expected a directory, a "
                             "link to one, or a new name", SHOWN(dir));
            return ENOTDIR;
        }
        char *path = xstrdup(dir);
        for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
            path[n - 1] = '\0';
        split_path(rd, path);
        free(path);
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        *err = xasprintf("cannot write results to %.*s%s: not a directory",
                         SHOWN(dir));
        return ENOTDIR;
    }
    /* An existing directory: its real name, so that "." or a symbolic
     * link is replaced where it points. */
    char *real = realpath(dir, NULL);
    if (!real) {
        int e = errno;
        *err = fail(dir, e, NULL);
        return e;
    }
    split_path(rd, real);
    free(real);
    if (!*rd->base) {
        *err = xasprintf("cannot write results to %.*s%s: the root "
                         "directory cannot be replaced", SHOWN(dir));
        return EBUSY;
    }
    struct stat pst;
    if (stat(rd->parent, &pst) == 0 && pst.st_dev != st.st_dev) {
        *err = xasprintf("cannot write results to %.*s%s: it is a mount "
                         "point, which dcsim cannot replace as a whole; "
                         "name a directory inside it", SHOWN(dir));
        return EBUSY;
    }
    bool ok;
    int e = replaceable(AT_FDCWD, dir, &ok);
    if (e) {
        *err = fail(dir, e, NULL);
        return e;
    }
    if (!ok) {
        *err = xasprintf("cannot write results to %.*s%s: it is not empty "
                         "and holds no summary.json, so dcsim did not write "
                         "it; refusing to replace it (name a new or empty "
                         "directory)", SHOWN(dir));
        return EEXIST;
    }
    rd->replace = true;
    return 0;
}

int
results_dir_open(struct results_dir *rd, const char *dir, char **err)
{
    memset(rd, 0, sizeof *rd);
    rd->parent_fd = rd->tmp_fd = -1;
    rd->dir = xstrdup(dir);
    int e = locate(rd, err);
    if (!e && !rd->replace)
        e = make_parents(rd, rd->parent, err);
    if (e) {
        close_dir(rd);
        return e;
    }
    rd->parent_fd = open(rd->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rd->parent_fd < 0) {
        e = errno;
        *err = fail(rd->dir, e, "cannot open %.*s%s", SHOWN(rd->parent));
    } else {
        long name_max = fpathconf(rd->parent_fd, _PC_NAME_MAX);
        if (name_max > 0 && strlen(rd->base) > (size_t)name_max) {
            e = ENAMETOOLONG;
            *err = fail(rd->dir, e, NULL);
        }
    }
    /* The staging directory: proves that the parent can be written
     * before any time is spent simulating. */
    for (int i = 0; !e; i++) {
        snprintf(rd->tmp_name, sizeof rd->tmp_name, ".dcsim-tmp-%ld-%d",
                 (long)getpid(), i);
        if (!mkdirat(rd->parent_fd, rd->tmp_name, 0777))
            break;
        if (errno != EEXIST || i == 99) {
            e = errno;
            *err = fail(rd->dir, e, "cannot create a directory in %.*s%s",
                        SHOWN(rd->parent));
            rd->tmp_name[0] = '\0';
        }
    }
    if (!e) {
        rd->tmp_fd = openat(rd->parent_fd, rd->tmp_name,
                            O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rd->tmp_fd < 0) {
            e = errno;
            *err = fail(rd->dir, e, "cannot open %s", rd->tmp_name);
            unlinkat(rd->parent_fd, rd->tmp_name, AT_REMOVEDIR);
        }
    }
    if (e) {
        unmake_dirs(rd);
        close_dir(rd);
        return e;
    }
    rd->staging = 1;
    return 0;
}

int
results_dir_note(struct results_dir *rd, const char *name)
{
    if (rd->n_files >= RESULTS_DIR_MAX_FILES)
        return EMFILE;
    rd->files[rd->n_files] = name;
    rd->n_files++;
    return 0;
}

int
results_dir_mkwork(struct results_dir *rd, const char *name, int *fd)
{
    rd->work_dir = name;
    if (mkdirat(rd->tmp_fd, name, 0777))
        return errno;
    *fd = openat(rd->tmp_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *fd < 0 ? errno : 0;
}

FILE *
results_dir_create(struct results_dir *rd, const char *name, int *err)
{
    if ((*err = results_dir_note(rd, name)))
        return NULL;
    int fd = openat(rd->tmp_fd, name,
                    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        *err = errno;
        close(fd);
    }
    return f;
}

/* Swaps the staging directory and DIR in one step when the system can. */
static int
exchange(struct results_dir *rd)
{
#if defined(__linux__) && defined(SYS_renameat2)
    if (!syscall(SYS_renameat2, rd->parent_fd, rd->tmp_name, rd->parent_fd,
                 rd->base, 2 /* RENAME_EXCHANGE */))
        return 0;
    if (errno != ENOSYS && errno != EINVAL)
        return errno;
#endif
    /* Two renames; every signal is blocked, so only a crash of the
     * machine can come between them. */
    char old[sizeof rd->tmp_name + 4];
    snprintf(old, sizeof old, "%s.old", rd->tmp_name);
    if (renameat(rd->parent_fd, rd->base, rd->parent_fd, old))
        return errno;
    if (renameat(rd->parent_fd, rd->tmp_name, rd->parent_fd, rd->base)) {
        int e = errno;
        renameat(rd->parent_fd, old, rd->parent_fd, rd->base);
        return e;
    }
    renameat(rd->parent_fd, old, rd->parent_fd, rd->tmp_name);
    return 0;
}

int
results_dir_commit(struct results_dir *rd, char **err)
{
    sigset_t all, saved;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &saved);
    int e = 0;
    struct stat st;
    if (fstatat(rd->parent_fd, rd->base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        /* DIR exists, now: check again what open() checked. */
        bool ok = false;
        if (!S_ISDIR(st.st_mode)) {
            e = ENOTDIR;
            *err = xasprintf("cannot write results to %.*s%s: not a "
                             "directory", SHOWN(rd->dir));
        } else if ((e = replaceable(rd->parent_fd, rd->base, &ok))) {
            *err = fail(rd->dir, e, NULL);
        } else if (!ok) {
            e = EEXIST;
            *err = xasprintf("cannot write results to %.*s%s: it changed "
                             "during the run and holds no summary.json; "
                             "refusing to replace it", SHOWN(rd->dir));
        } else if ((e = exchange(rd))) {
            *err = fail(rd->dir, e, "cannot replace it");
        } else {
            /* The staging name now holds the earlier results. */
            int r = remove_tree(rd->parent_fd, rd->tmp_name);
            if (r) {
                *err = xasprintf("the results are in %.*s%s, but the "
                                 "earlier ones could not be removed from "
                                 "%s/%s: %s", SHOWN(rd->dir), rd->parent,
                                 rd->tmp_name, strerror(r));
                rd->staging = 0;
                e = r;
            }
        }
    } else if (renameat(rd->parent_fd, rd->tmp_name, rd->parent_fd,
                        rd->base)) {
        e = errno;
        *err = fail(rd->dir, e, NULL);
    }
    if (e && rd->staging) {
        remove_tree(rd->parent_fd, rd->tmp_name);
        unmake_dirs(rd);
    }
    rd->staging = 0;
    sigprocmask(SIG_SETMASK, &saved, NULL);
    close_dir(rd);
    return e;
}

void
results_dir_discard(struct results_dir *rd)
{
    if (rd->staging) {
        remove_tree(rd->parent_fd, rd->tmp_name);
        unmake_dirs(rd);
        rd->staging = 0;
    }
    close_dir(rd);
}

void
results_dir_discard_now(struct results_dir *rd)
{
    if (!rd || !rd->staging)
        return;
    if (rd->helper_pid > 0) {
        kill((pid_t)rd->helper_pid, SIGKILL);
        waitpid((pid_t)rd->helper_pid, NULL, 0);
    }
    for (sig_atomic_t i = 0; i < rd->n_files; i++)
        unlinkat(rd->tmp_fd, rd->files[i], 0);
    if (rd->work_dir)
        unlinkat(rd->tmp_fd, rd->work_dir, AT_REMOVEDIR);
    unlinkat(rd->parent_fd, rd->tmp_name, AT_REMOVEDIR);
    for (size_t i = rd->n_made_dirs; i-- > 0;)
        rmdir(rd->made_dirs[i]);
    rd->staging = 0;
}
