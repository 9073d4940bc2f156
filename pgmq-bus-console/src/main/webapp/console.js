// SPDX-License-Identifier: Apache-2.0
// The console page: reads /api/subscriptions and /api/dead-letters every few seconds and renders them
// (text only, never HTML from the data); its buttons POST JSON to the API. Plain ES5, no libraries.
(function () {
  'use strict';
  var REFRESH_MS = 3000;

  function request(method, path, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, 'api/' + path, true);
    xhr.setRequestHeader('Accept', 'application/json');
    if (body !== undefined) {
      xhr.setRequestHeader('Content-Type', 'application/json');
    }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) {
        return;
      }
      var data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch (e) {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        done(null, data);
      } else {
        done((data && data.error) || ('HTTP ' + xhr.status), data);
      }
    };
    xhr.send(body === undefined ? null : JSON.stringify(body));
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function button(td, label, action) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.onclick = action;
    td.appendChild(b);
    return b;
  }

  function status(text, failed) {
    var p = document.getElementById('status');
    p.textContent = text;
    p.className = failed ? 'status failed' : 'status';
  }

  function act(path, body) {
    request('POST', path, body, function (error) {
      if (error) {
        status(path + ': ' + error, true);
      }
      refresh();
    });
  }

  function renderSubscriptions(list) {
    var tbody = document.querySelector('#subscriptions tbody');
    while (tbody.firstChild) {
      tbody.removeChild(tbody.firstChild);
    }
    list.forEach(function (s) {
      var row = document.createElement('tr');
      row.setAttribute('data-queue', s.queue);
      cell(row, s.channel);
      cell(row, s.subscription);
      cell(row, s.kind);
      cell(row, s.queue);
      cell(row, s.depth, 'number');
      cell(row, s.inFlight, 'number');
      cell(row, s.oldestAgeSeconds === null ? '' : Math.round(s.oldestAgeSeconds), 'number');
      cell(row, s.deadLetters, 'number');
      cell(row, s.node);
      cell(row, s.lastSeen);
      cell(row, s.readerState === undefined ? '' : (s.paused ? 'paused' : s.readerState));
      var actions = cell(row, '');
      if (s.readerState !== undefined) {
        var target = { channel: s.channel, subscription: s.subscription || '' };
        if (s.paused) {
          button(actions, 'resume', function () { act('activations/resume', target); });
        } else {
          button(actions, 'pause', function () { act('activations/pause', target); });
        }
      }
      tbody.appendChild(row);
    });
  }

  function renderDeadLetters(list) {
    var tbody = document.querySelector('#dead-letters tbody');
    while (tbody.firstChild) {
      tbody.removeChild(tbody.firstChild);
    }
    list.forEach(function (d) {
      var row = document.createElement('tr');
      row.setAttribute('data-id', d.deadLetterQueue + '/' + d.id);
      cell(row, d.channel);
      cell(row, d.subscription);
      cell(row, d.id, 'number');
      cell(row, d.error, 'error');
      cell(row, d.deliveries, 'number');
      cell(row, d.deadLetteredAt);
      cell(row, d.payload, 'payload');
      var actions = cell(row, '');
      var one = { deadLetterQueue: d.deadLetterQueue, id: d.id };
      button(actions, 'replay', function () { act('dead-letters/replay', one); }).className = 'replay';
      button(actions, 'purge', function () {
        if (window.confirm('Delete dead letter ' + d.id + '?')) {
          act('dead-letters/purge', one);
        }
      }).className = 'purge';
      tbody.appendChild(row);
    });
  }

  function refresh() {
    request('GET', 'subscriptions', undefined, function (error, subscriptions) {
      if (error) {
        status('subscriptions: ' + error, true);
        return;
      }
      renderSubscriptions(subscriptions);
      request('GET', 'dead-letters', undefined, function (error2, dead) {
        if (error2) {
          status('dead letters: ' + error2, true);
          return;
        }
        renderDeadLetters(dead);
        status('updated ' + new Date().toLocaleTimeString(), false);
      });
    });
  }

  refresh();
  window.setInterval(refresh, REFRESH_MS);
}());
