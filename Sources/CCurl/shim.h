// libcurl for Swift. curl_easy_setopt and curl_easy_getinfo are variadic C functions, which do
// not import into Swift; these typed wrappers call them with one argument type each.
#ifndef ALMANAC_CCURL_SHIM_H
#define ALMANAC_CCURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode almanac_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode almanac_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode almanac_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode almanac_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*almanac_curl_io_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode almanac_curl_setopt_io(CURL *handle, CURLoption option, almanac_curl_io_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode almanac_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
