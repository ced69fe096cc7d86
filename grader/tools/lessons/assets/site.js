// @ts-nocheck -- runs in the browser; the course's tsconfig has no DOM types (lib ES2023).
// The lessons site on a narrow screen: the list of lessons opens from a button in the top bar
// (without this script it simply follows the text), and a table or a diagram wider than the screen
// says so above it ("scroll sideways"), besides the shadow site.css draws at its edge.
(function () {
  'use strict';
  var narrow = window.matchMedia('(max-width: 800px)');
  var button = document.querySelector('.menu-button');
  var nav = document.getElementById('lessons-nav');

  function setOpen(open) {
    document.body.classList.toggle('menu-open', open);
    button.setAttribute('aria-expanded', String(open));
  }

  if (button && nav) {
    document.documentElement.classList.add('has-menu');
    button.hidden = false;
    button.addEventListener('click', function () {
      setOpen(!document.body.classList.contains('menu-open'));
    });
    // Choosing a lesson, pressing Escape or widening the window closes it.
    nav.addEventListener('click', function (event) {
      if (event.target.closest('a')) setOpen(false);
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && document.body.classList.contains('menu-open')) {
        setOpen(false);
        button.focus();
      }
    });
    narrow.addEventListener('change', function () {
      if (!narrow.matches) setOpen(false);
    });
  }

  // A box whose content is wider than the box gets a note above it, once, and keeps it up to date.
  function markOverflow() {
    document.querySelectorAll('.table-wrap, pre.code').forEach(function (box) {
      var wider = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle('is-wider', wider);
      if (wider) box.setAttribute('tabindex', '0');
      else box.removeAttribute('tabindex');
    });
  }
  markOverflow();
  window.addEventListener('resize', markOverflow);
})();
