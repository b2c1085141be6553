#pragma once
// A typed publish/subscribe bus between what produces events (packet
// extraction, the trackers, the flow layer, the application consumers) and
// what reads them (the rules, the live view's statistics).
//
// An event type is any struct, declared in its own header under src/events/;
// the bus needs no list of them: a type gets a small dense id the first time
// it is published or subscribed to. A reader subscribes one member function
// per event type it uses, so a rule that reads DNS transactions is never
// called for a TCP segment, and a producer can ask whether anybody wants a
// type before building its events (`wanted<E>()`).
//
// Handlers run synchronously, in subscription order within a stage. Trackers
// that turn one event into another (the connection tracker reading ICMP
// errors) subscribe in Stage::Derive, which runs before Stage::Read, so a
// reader sees the derived event before the one it came from, whatever the
// order of construction.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace netdx {

namespace detail {
inline std::size_t next_event_type_id() {
    static std::atomic<std::size_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed);
}
template <typename E>
std::size_t event_type_id() {
    static const std::size_t id = next_event_type_id();
    return id;
}

template <typename M>
struct method_traits;
template <typename C, typename E>
struct method_traits<void (C::*)(const E&)> {
    using object = C;
    using event = E;
};
}  // namespace detail

class EventBus {
public:
    enum class Stage : std::uint8_t { Derive = 0, Read = 1 };

    EventBus() = default;
    EventBus(const EventBus&) = delete;
    EventBus& operator=(const EventBus&) = delete;

    // bus.subscribe<&MyRule::on_dns>(this): calls this->on_dns(const DnsTransaction&).
    template <auto Method>
    void subscribe(typename detail::method_traits<decltype(Method)>::object* self, Stage stage = Stage::Read) {
        using Object = typename detail::method_traits<decltype(Method)>::object;
        using Event = typename detail::method_traits<decltype(Method)>::event;
        add(detail::event_type_id<Event>(),
            Handler{self, [](void* s, const void* e) { (static_cast<Object*>(s)->*Method)(*static_cast<const Event*>(e)); },
                    stage});
    }

    // A callable (lambda) handler; the bus keeps it alive.
    template <typename Event, typename F>
    void subscribe_fn(F&& f, Stage stage = Stage::Read) {
        auto fn = std::make_unique<std::function<void(const Event&)>>(std::forward<F>(f));
        void* self = fn.get();
        owned_.push_back(std::shared_ptr<void>(fn.release(), [](void* p) {
            delete static_cast<std::function<void(const Event&)>*>(p);
        }));
        add(detail::event_type_id<Event>(),
            Handler{self, [](void* s, const void* e) {
                        (*static_cast<std::function<void(const Event&)>*>(s))(*static_cast<const Event*>(e));
                    },
                    stage});
    }

    template <typename Event>
    void publish(const Event& e) const {
        const std::size_t id = detail::event_type_id<Event>();
        if (id >= lists_.size()) return;
        for (const Handler& h : lists_[id]) h.call(h.self, &e);
    }

    // Whether any handler reads Event (a producer may skip building it).
    template <typename Event>
    [[nodiscard]] bool wanted() const {
        const std::size_t id = detail::event_type_id<Event>();
        return id < lists_.size() && !lists_[id].empty();
    }

private:
    struct Handler {
        void* self;
        void (*call)(void*, const void*);
        Stage stage;
    };
    void add(std::size_t id, Handler h) {
        if (id >= lists_.size()) lists_.resize(id + 1);
        auto& list = lists_[id];
        // After every handler of the same or an earlier stage: stable within a stage.
        auto pos = list.begin();
        while (pos != list.end() && pos->stage <= h.stage) ++pos;
        list.insert(pos, h);
    }

    std::vector<std::vector<Handler>> lists_;
    std::vector<std::shared_ptr<void>> owned_;
};

}  // namespace netdx
