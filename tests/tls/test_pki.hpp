#pragma once
// A throwaway PKI for the TLS tests, made at run time with the OpenSSL API:
// a self-signed CA and certificates it issues (P-256 keys, SHA-256, valid
// from an hour ago for a day), written as PEM files into a temporary folder.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

namespace twinsms::test {

namespace fs = std::filesystem;

struct pki_files {
    std::string cert, key; // PEM file paths
};

class test_ca {
public:
    // A CA named `cn` in its own folder under `dir`.
    test_ca(const fs::path& dir, const std::string& cn) : dir_{dir / cn} {
        fs::create_directories(dir_);
        key_.reset(EVP_EC_gen("P-256"));
        if (!key_) throw std::runtime_error("EC key generation failed");
        cert_.reset(make(cn, key_.get(), nullptr, "critical,CA:TRUE", "critical,keyCertSign,cRLSign", nullptr, nullptr));
        files_ = write(cn, cert_.get(), key_.get());
    }
    const pki_files& files() const noexcept { return files_; }
    const std::string& cert_file() const noexcept { return files_.cert; }

    // A leaf certificate for `cn`: `san` like "DNS:localhost,IP:127.0.0.1"
    // (empty: none), usable as a server and as a client certificate.
    pki_files issue(const std::string& cn, const std::string& san = "DNS:localhost,IP:127.0.0.1") {
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{EVP_EC_gen("P-256"), EVP_PKEY_free};
        if (!key) throw std::runtime_error("EC key generation failed");
        std::unique_ptr<X509, decltype(&X509_free)> cert{
            make(cn, key.get(), this, "critical,CA:FALSE", "critical,digitalSignature,keyEncipherment",
                 "serverAuth,clientAuth", san.empty() ? nullptr : san.c_str()),
            X509_free};
        return write(cn, cert.get(), key.get());
    }

private:
    static void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        if (!ext) throw std::runtime_error(std::string{"bad extension "} + value);
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }

    X509* make(const std::string& cn, EVP_PKEY* key, test_ca* ca, const char* basic, const char* usage,
               const char* ext_usage, const char* san) {
        X509* x = X509_new();
        X509_set_version(x, 2);
        std::random_device rd;
        ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(rd() & 0x7fffffff));
        X509_gmtime_adj(X509_getm_notBefore(x), -3600);
        X509_gmtime_adj(X509_getm_notAfter(x), 86400);
        X509_set_pubkey(x, key);
        X509_NAME* name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("twinsms tests"), -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
        X509* issuer = ca ? ca->cert_.get() : x;
        X509_set_issuer_name(x, X509_get_subject_name(issuer));
        add_ext(x, issuer, NID_basic_constraints, basic);
        add_ext(x, issuer, NID_key_usage, usage);
        if (ext_usage) add_ext(x, issuer, NID_ext_key_usage, ext_usage);
        if (san) add_ext(x, issuer, NID_subject_alt_name, san);
        add_ext(x, issuer, NID_subject_key_identifier, "hash");
        add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
        if (X509_sign(x, ca ? ca->key_.get() : key, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
        return x;
    }

    pki_files write(const std::string& name, X509* cert, EVP_PKEY* key) {
        pki_files f{(dir_ / (name + ".crt")).string(), (dir_ / (name + ".key")).string()};
        std::unique_ptr<BIO, decltype(&BIO_free)> c{BIO_new_file(f.cert.c_str(), "w"), BIO_free};
        std::unique_ptr<BIO, decltype(&BIO_free)> k{BIO_new_file(f.key.c_str(), "w"), BIO_free};
        if (!c || !k || !PEM_write_bio_X509(c.get(), cert) ||
            !PEM_write_bio_PrivateKey(k.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
            throw std::runtime_error("cannot write " + f.cert);
        return f;
    }

    fs::path dir_;
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_{nullptr, EVP_PKEY_free};
    std::unique_ptr<X509, decltype(&X509_free)> cert_{nullptr, X509_free};
    pki_files files_;
};

} // namespace twinsms::test
