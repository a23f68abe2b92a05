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

/// CURLOPT_DEBUGFUNCTION: sees the protocol lines in clear text (after TLS), so the SMTP
/// transport can pair each RCPT with its reply.
typedef int (*almanac_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata);

static inline CURLcode almanac_curl_setopt_debug(CURL *handle, almanac_curl_debug_callback value) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, value);
}

/// CURLOPT_MAIL_RCPT_ALLOWFAILS (option 290; spelt CURLOPT_MAIL_RCPT_ALLLOWFAILS before curl
/// 8.2): go on with the accepted recipients when the server rejects some of them.
static inline CURLcode almanac_curl_setopt_rcpt_allowfails(CURL *handle, long value) {
    return curl_easy_setopt(handle, (CURLoption)290, value);
}

static inline CURLcode almanac_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
