#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// From curl's ABI (curl/curl.h, curl/options.h). CURLcode, CURLoption and CURLINFO are C enums,
// passed as int; curl_off_t is a 64-bit signed integer on every platform orgwiz builds for.
#define CCURL_GLOBAL_DEFAULT 3L /* CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32 */

struct ccurl_easyoption {
  const char *name;
  int id;
  int type;
  unsigned int flags;
};

struct ccurl_library {
  void *handle;
  int (*global_init)(long flags);
  void *(*easy_init)(void);
  int (*easy_setopt)(void *easy, int option, ...);
  int (*easy_perform)(void *easy);
  int (*easy_getinfo)(void *easy, int info, ...);
  void (*easy_cleanup)(void *easy);
  void (*easy_reset)(void *easy);
  const char *(*easy_strerror)(int code);
  void *(*slist_append)(void *list, const char *line);
  void (*slist_free_all)(void *list);
  const char *(*version)(void);
  const struct ccurl_easyoption *(*option_by_name)(const char *name);  // 7.73+, may be NULL
};

enum { CCURL_MAX_LIBRARIES = 8 };
static pthread_mutex_t ccurl_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ccurl_library *ccurl_loaded[CCURL_MAX_LIBRARIES];
static int ccurl_loaded_count;

static void ccurl_error(char *error, size_t size, const char *first, const char *second) {
  if (error && size > 0) snprintf(error, size, "%s%s", first, second ? second : "");
}

#define CCURL_RESOLVE(field, symbol)                                     \
  do {                                                                   \
    *(void **)(&library->field) = dlsym(handle, symbol);                 \
    if (!library->field) {                                               \
      ccurl_error(error, error_size, name, ": lacks " symbol);           \
      goto fail;                                                         \
    }                                                                    \
  } while (0)

const ccurl_library *ccurl_open(const char *name, char *error, size_t error_size) {
  pthread_mutex_lock(&ccurl_lock);
  struct ccurl_library *library = NULL;
  void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *reason = dlerror();
    ccurl_error(error, error_size, reason ? reason : name, reason ? NULL : ": cannot be loaded");
    pthread_mutex_unlock(&ccurl_lock);
    return NULL;
  }
  for (int index = 0; index < ccurl_loaded_count; index++) {
    if (ccurl_loaded[index]->handle == handle) {
      dlclose(handle);  // the reference taken above; the first one stays
      library = ccurl_loaded[index];
      pthread_mutex_unlock(&ccurl_lock);
      return library;
    }
  }
  if (ccurl_loaded_count == CCURL_MAX_LIBRARIES) {
    ccurl_error(error, error_size, name, ": too many libcurl libraries loaded");
    goto fail;
  }
  library = calloc(1, sizeof *library);
  if (!library) {
    ccurl_error(error, error_size, name, ": out of memory");
    goto fail;
  }
  library->handle = handle;
  CCURL_RESOLVE(global_init, "curl_global_init");
  CCURL_RESOLVE(easy_init, "curl_easy_init");
  CCURL_RESOLVE(easy_setopt, "curl_easy_setopt");
  CCURL_RESOLVE(easy_perform, "curl_easy_perform");
  CCURL_RESOLVE(easy_getinfo, "curl_easy_getinfo");
  CCURL_RESOLVE(easy_cleanup, "curl_easy_cleanup");
  CCURL_RESOLVE(easy_reset, "curl_easy_reset");
  CCURL_RESOLVE(easy_strerror, "curl_easy_strerror");
  CCURL_RESOLVE(slist_append, "curl_slist_append");
  CCURL_RESOLVE(slist_free_all, "curl_slist_free_all");
  CCURL_RESOLVE(version, "curl_version");
  *(void **)(&library->option_by_name) = dlsym(handle, "curl_easy_option_by_name");
  if (library->global_init(CCURL_GLOBAL_DEFAULT) != 0) {
    ccurl_error(error, error_size, name, ": curl_global_init failed");
    goto fail;
  }
  ccurl_loaded[ccurl_loaded_count++] = library;
  pthread_mutex_unlock(&ccurl_lock);
  return library;
fail:
  free(library);
  dlclose(handle);
  pthread_mutex_unlock(&ccurl_lock);
  return NULL;
}

const char *ccurl_version(const ccurl_library *library) { return library->version(); }

int ccurl_option_id(const ccurl_library *library, const char *name) {
  if (!library->option_by_name) return -1;
  const struct ccurl_easyoption *option = library->option_by_name(name);
  return option ? option->id : -1;
}

void *ccurl_easy_init(const ccurl_library *library) { return library->easy_init(); }

void ccurl_easy_cleanup(const ccurl_library *library, void *easy) {
  library->easy_cleanup(easy);
}

void ccurl_easy_reset(const ccurl_library *library, void *easy) { library->easy_reset(easy); }

int ccurl_easy_perform(const ccurl_library *library, void *easy) {
  return library->easy_perform(easy);
}

const char *ccurl_easy_strerror(const ccurl_library *library, int code) {
  return library->easy_strerror(code);
}

int ccurl_setopt_long(const ccurl_library *library, void *easy, int option, long value) {
  return library->easy_setopt(easy, option, value);
}

int ccurl_setopt_pointer(const ccurl_library *library, void *easy, int option, const void *value) {
  return library->easy_setopt(easy, option, value);
}

int ccurl_setopt_off_t(const ccurl_library *library, void *easy, int option, int64_t value) {
  return library->easy_setopt(easy, option, value);
}

int ccurl_setopt_callback(
    const ccurl_library *library, void *easy, int option, ccurl_data_callback callback) {
  return library->easy_setopt(easy, option, callback);
}

int ccurl_getinfo_long(const ccurl_library *library, void *easy, int info, long *value) {
  return library->easy_getinfo(easy, info, value);
}

int ccurl_getinfo_string(const ccurl_library *library, void *easy, int info, const char **value) {
  return library->easy_getinfo(easy, info, value);
}

void *ccurl_slist_append(const ccurl_library *library, void *list, const char *line) {
  return library->slist_append(list, line);
}

void ccurl_slist_free_all(const ccurl_library *library, void *list) {
  library->slist_free_all(list);
}
