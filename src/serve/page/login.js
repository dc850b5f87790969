// The login page: after logging in, come back to the view that was asked for (the part of
// the address after #, which the browser keeps across the redirect to /login).
const next = document.getElementById('next');
if (next && location.hash.startsWith('#/')) {
  next.value = '/' + location.hash;
}
