// The login page: after logging in, go on to what was asked for: the page the server sent
// here from (`?next=`), or the view after # (which the browser keeps across the redirect to
// /login, but a form's POST would lose). The server checks that it is a path of its own.
const next = document.getElementById('next');
const asked = new URLSearchParams(location.search).get('next');
if (next && asked && asked.startsWith('/')) {
  next.value = asked;
}
if (next && location.hash.startsWith('#/')) {
  next.value = `/${location.hash}`;
}
