// The delivery-receipt parsers on arbitrary input: the receipt text
// (Appendix B format, parsed leniently), stat words, message-id forms and
// matching, and excerpts of a short_message in every data_coding. The first
// byte picks the data_coding. Properties beyond "no crash": a receipt we
// format parses back to the same fields; an id always matches itself and
// each of its forms.
#include "fuzz_support.hpp"
#include "route/receipt_text.hpp"

using namespace twinsms;
using namespace twinsms::route;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::input in{{data, size}};
    const auto text = in.rest().text();
    if (const auto r = parse_receipt(text); r && !r->id.empty() && r->state &&
                                            r->id.find_first_not_of("0123456789abcdefABCDEF-") == std::string_view::npos) {
        receipt_fields f;
        f.id = std::string{r->id};
        f.sub = r->sub % 1000;
        f.dlvrd = r->dlvrd % 1000;
        f.stat = std::string{stat_text(*r->state)};
        f.err = r->err % 1000;
        const auto formatted = format_receipt(f); // parse_receipt's views point into it
        const auto again = parse_receipt(formatted);
        FUZZ_CHECK(again && again->id == f.id && again->state == r->state && again->err == f.err,
                   "a receipt we format parses back");
    }
    (void)parse_stat(text);
    (void)receipt_excerpt(text, in.selector());
    const auto id = text.substr(0, 64);
    if (!id.empty()) {
        FUZZ_CHECK(message_ids_match(id, id), "an id matches itself");
        for (const auto& f : message_id_forms(id)) FUZZ_CHECK(message_ids_match(id, f), "an id matches its forms");
    }
    return 0;
}
