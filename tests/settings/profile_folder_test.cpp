// The profile folder: which files are replicated (never node.yaml, never a
// profile of kind peer, routes.yaml only when asked), and replace(): a
// version that does not validate with the other profiles changes nothing;
// one that does replaces the file whole; remove() only when the folder
// loads without the file; the agreed base round-trips.
#define BOOST_TEST_MODULE settings_folder
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "settings/profile_folder.hpp"

using namespace twinsms::settings;
namespace fs = std::filesystem;

namespace {

struct folder {
    fs::path dir = fs::temp_directory_path() / ("settings_folder_" + std::to_string(::getpid()));
    folder() {
        fs::remove_all(dir);
        fs::create_directories(dir / "clients");
        fs::create_directories(dir / "carriers");
        put("node.yaml", "node:\n  id: n1\n  role: primary\n  listen: [127.0.0.1:0]\n  store: {path: " + (dir / "store").string() + "}\n");
        put("clients/alpha.yaml", "client:\n  state: active\n  system_id: alpha\n  password: alpha1\n");
        put("clients/bravo.yaml", "client:\n  state: passive\n  system_id: bravo\n  password: bravo1\n");
        put("carriers/sim.yaml", "carrier:\n  host: 127.0.0.1\n  port: 2776\n  system_id: carrier\n  password: c1\n");
        put("routes.yaml", "routes:\n  - name: all\n    carriers: [sim]\n");
    }
    ~folder() { fs::remove_all(dir); }
    void put(const std::string& f, const std::string& text) { std::ofstream{dir / f} << text; }
    std::string get(const std::string& f) {
        std::ifstream in{dir / f};
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(scan_lists_the_replicated_profiles, folder) {
    // (Without a cluster section the folder would not load with it; scan only reads files.)
    put("clients/peer.yaml", "client:\n  kind: peer\n  system_id: site2\n  password: peer2pw\n");
    const profile_folder f{dir, {.clients = true, .carriers = true}};
    const auto m = f.scan();
    BOOST_TEST(m.size() == 3u);
    BOOST_TEST(m.contains("clients/alpha.yaml"));
    BOOST_TEST(m.contains("carriers/sim.yaml"));
    BOOST_TEST(!m.contains("clients/peer.yaml")); // the peer link differs by side
    BOOST_TEST(profile_folder(dir, {.routes = true}).scan().contains("routes.yaml"));
    BOOST_TEST(profile_folder(dir, {.routes = true}).scan().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_invalid_version_changes_nothing, folder) {
    const profile_folder f{dir, {.clients = true, .carriers = true}};
    const auto before = get("clients/alpha.yaml");
    const auto why = f.replace("clients/alpha.yaml", "client:\n  system_id: alpha\n  password: alpha1\n  tps: -3\n");
    BOOST_TEST(why.find("alpha.yaml") != std::string::npos, why); // names the file and where
    BOOST_TEST(why.find("tps") != std::string::npos, why);
    BOOST_TEST(get("clients/alpha.yaml") == before);
    // A name clash with another profile is caught too (checked with the whole folder).
    BOOST_TEST(!f.replace("clients/alpha.yaml", "client:\n  system_id: bravo\n  password: x\n").empty());
    BOOST_TEST(!f.replace("clients/alpha.yaml", "client:\n  kind: peer\n  system_id: alpha\n  password: x\n").empty());
    BOOST_TEST(!f.replace("../node.yaml", "node: {}\n").empty());
    for (const auto& e : fs::directory_iterator{dir / "clients"}) // no temporary left behind
        BOOST_TEST(e.path().filename().string().front() != '.', e.path());
}

BOOST_FIXTURE_TEST_CASE(a_valid_version_replaces_the_file, folder) {
    const profile_folder f{dir, {.clients = true, .carriers = true}};
    const std::string text = "client:\n  state: active\n  system_id: alpha\n  password: alpha1\n  tps: 300\n";
    BOOST_TEST(f.replace("clients/alpha.yaml", text) == "");
    BOOST_TEST(get("clients/alpha.yaml") == text);
    BOOST_TEST(*f.read("clients/alpha.yaml") == text);
}

BOOST_FIXTURE_TEST_CASE(the_agreed_base_round_trips, folder) {
    const digest_map base{{"clients/alpha.yaml", std::string(64, 'a')}, {"routes.yaml", std::string(64, 'b')}};
    BOOST_TEST(save_base(dir / "agreed", base));
    BOOST_TEST(load_base(dir / "agreed") == base);
    BOOST_TEST(load_base(dir / "missing").empty());
}

BOOST_FIXTURE_TEST_CASE(a_removal_is_checked_with_the_rest_of_the_folder, folder) {
    const profile_folder f{dir, {.clients = true, .carriers = true}};
    // routes.yaml names sim: the folder would not load without it.
    const auto why = f.remove("carriers/sim.yaml");
    BOOST_TEST(why.find("sim") != std::string::npos, why);
    BOOST_TEST(fs::exists(dir / "carriers" / "sim.yaml"));
    BOOST_TEST(!f.remove("../node.yaml").empty());
    BOOST_TEST(f.remove("clients/bravo.yaml") == "");
    BOOST_TEST(!fs::exists(dir / "clients" / "bravo.yaml"));
    BOOST_TEST(!f.scan().contains("clients/bravo.yaml"));
}
