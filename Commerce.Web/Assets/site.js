// Progressive enhancement for the server-rendered storefront: every page works without this file.
// Blazor's blazor.web.js (loaded just before) does navigation and form posts without full page
// reloads; this file adds what Blazor does not. An enhanced navigation patches the page in place,
// keeping elements that did not change, so `enhance` runs after every update and attaches to each
// element only once.
(() => {
  "use strict";

  const attached = new WeakSet();
  const fresh = (selector) => [...document.querySelectorAll(selector)].filter((el) => {
    if (attached.has(el)) return false;
    attached.add(el);
    return true;
  });

  const enhance = () => {
    // Search suggestions as you type (ARIA combobox with a listbox).
    fresh("form[data-suggest]").forEach((form) => {
      const input = form.querySelector("input[name=q]");
      const list = form.querySelector("[role=listbox]");
      if (!input || !list) return;
      let timer = 0, controller = null, active = -1;

      const close = () => { list.hidden = true; list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; };
      const highlight = (index) => {
        const items = [...list.querySelectorAll("li")];
        items.forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
        active = index;
        if (items[index]) input.setAttribute("aria-activedescendant", items[index].id); else input.removeAttribute("aria-activedescendant");
      };
      const render = (suggestions) => {
        list.innerHTML = "";
        suggestions.forEach((s, i) => {
          const li = document.createElement("li");
          li.id = "suggestion-" + i;
          li.setAttribute("role", "option");
          const a = document.createElement("a");
          a.href = s.url;
          a.textContent = s.text;
          a.tabIndex = -1;
          li.appendChild(a);
          list.appendChild(li);
        });
        const open = suggestions.length > 0;
        list.hidden = !open;
        input.setAttribute("aria-expanded", open ? "true" : "false");
        active = -1;
      };

      input.addEventListener("input", () => {
        clearTimeout(timer);
        const q = input.value.trim();
        if (q.length < 2) { close(); return; }
        timer = setTimeout(async () => {
          controller?.abort();
          controller = new AbortController();
          try {
            const res = await fetch(form.dataset.suggest + "?q=" + encodeURIComponent(q), { signal: controller.signal, headers: { Accept: "application/json" } });
            if (res.ok && input.value.trim() === q) render(await res.json());
          } catch (e) { if (e.name !== "AbortError") close(); }
        }, 150);
      });
      input.addEventListener("keydown", (e) => {
        const count = list.querySelectorAll("li").length;
        if (e.key === "ArrowDown" && count) { e.preventDefault(); highlight((active + 1) % count); }
        else if (e.key === "ArrowUp" && count) { e.preventDefault(); highlight((active - 1 + count) % count); }
        else if (e.key === "Enter" && active >= 0) { e.preventDefault(); list.querySelectorAll("a")[active].click(); }
        else if (e.key === "Escape") { close(); }
      });
      input.addEventListener("blur", () => setTimeout(close, 150));
      // An enhanced navigation keeps the header (and a focused box) in place: a search that was
      // submitted, or a suggestion fetched for it that answers late, must not leave the list open
      // over the next page.
      const cancel = () => { clearTimeout(timer); controller?.abort(); close(); };
      form.addEventListener("submit", cancel);
      window.Blazor?.addEventListener?.("enhancedload", cancel);
    });

    // A form marked data-once submits once: a double click or a second tap does nothing more.
    // Blazor's enhanced form posts do not guard against this: a second submit would be a second
    // request. A prevented submit is also ignored by Blazor. An enhanced update that redraws the form
    // drops data-submitted (the server never writes it), so the redrawn form can be sent again.
    fresh("form[data-once]").forEach((form) => {
      form.addEventListener("submit", (e) => {
        if (form.dataset.submitted === "true") { e.preventDefault(); return; }
        form.dataset.submitted = "true";
        form.querySelectorAll("button[type=submit]").forEach((b) => {
          b.setAttribute("aria-disabled", "true");
          b.classList.add("is-disabled");
          if (b.dataset.busyText) b.textContent = b.dataset.busyText;
        });
      });
    });

    // Sort menus apply on change; requestSubmit (unlike submit) lets Blazor send it without a reload.
    fresh("select[data-autosubmit]").forEach((select) => {
      select.addEventListener("change", () => select.form.requestSubmit());
    });

    // The header's cart badge, as MainLayout renders it: the cart empties itself after an order.
    const showCartCount = (count) => {
      const link = document.querySelector(".cart-link");
      if (!link) return;
      let badge = link.querySelector("[data-cart-count]");
      if (count > 0) {
        if (!badge) { badge = document.createElement("span"); badge.className = "badge"; badge.setAttribute("data-cart-count", ""); link.append(badge); }
        badge.textContent = String(count);
        link.setAttribute("aria-label", `Cart, ${count} ${count === 1 ? "item" : "items"}`);
      } else {
        badge?.remove();
        link.setAttribute("aria-label", "Cart");
      }
    };

    // Live order status: ask the storefront until the order settles, then stop.
    // Blazor renders each page once on the server (no circuit per shopper), so it cannot push updates.
    document.querySelectorAll("[data-order-status]").forEach((box) => {
      const url = box.dataset.orderStatus;
      // A box kept by an enhanced update may now show another order: each box polls for one URL.
      if (!url || box.dataset.settled === "true" || box.pollingUrl === url) return;
      box.pollingUrl = url;
      const current = () => box.isConnected && box.dataset.orderStatus === url;
      const pill = box.querySelector("[data-status]");
      const reason = box.querySelector("[data-status-reason]");
      const card = box.closest(".order-card");
      const steps = ["Submitted", "StockReserved", "Paid", "Shipped"];
      const onItsWay = ["Submitted", "StockReserved"];
      const started = Date.now();
      let delay = 1000;

      const apply = (s) => {
        pill.dataset.status = s.status;
        pill.textContent = s.description;
        pill.className = "pill pill-" + s.status.toLowerCase();
        if (reason) { reason.textContent = s.reason || ""; reason.hidden = !s.reason; }
        const current = steps.indexOf(s.status);
        card?.querySelectorAll("[data-step]").forEach((li) => {
          const i = steps.indexOf(li.dataset.step);
          li.className = s.status === "Cancelled" ? "step step-off" : i < current ? "step step-done" : i === current ? "step step-current" : "step";
        });
        if (!s.canCancel) document.querySelectorAll("[data-cancel-form]").forEach((f) => f.remove());
        if (typeof s.cartCount === "number") showCartCount(s.cartCount);
        if (!onItsWay.includes(s.status)) document.querySelectorAll("[data-while-confirming]").forEach((p) => p.remove());
      };
      // While the order is on its way to Paid, each request waits on the server for the next change
      // (waitWhile), so the page shows it at once; a paid order is only checked now and then for shipping.
      let shown = pill.dataset.status;
      const poll = async () => {
        if (!current()) return;
        const waiting = onItsWay.includes(shown);
        const asked = Date.now();
        try {
          const res = await fetch(waiting ? url + "?waitWhile=" + encodeURIComponent(shown) : url,
            { headers: { Accept: "application/json" }, cache: "no-store" });
          if (res.ok && current()) {
            const s = await res.json();
            apply(s);
            if (s.settled) return;
            const changed = s.status !== shown;
            shown = s.status;
            // Unchanged after a quick answer means the server could not wait: back off as before.
            if (waiting && onItsWay.includes(shown) && (changed || Date.now() - asked > 1000) && Date.now() - started < 10 * 60 * 1000) { setTimeout(poll, 0); return; }
          }
        } catch { /* the next attempt may succeed */ }
        if (Date.now() - started < 10 * 60 * 1000) { delay = Math.min(delay * 1.3, 5000); setTimeout(poll, delay); }
      };
      setTimeout(poll, onItsWay.includes(shown) ? 0 : delay);
    });
  };

  enhance();
  window.Blazor?.addEventListener?.("enhancedload", enhance);
})();
