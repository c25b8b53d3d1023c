// A real OpenID Connect provider for the single sign-on tests (tests/sso): npm's certified
// oidc-provider, with one client, the people a test defines, and its development sign-in
// pages (devInteractions: plain forms, driven with HTTP requests).
//
// It listens on a free port of 127.0.0.1 and prints that port as its first line. What the
// tests need beyond a provider is under /test-admin/ (JSON over HTTP, for the tests only):
//   PUT  /test-admin/accounts/<sub>  {email, email_verified, xms_edov, name, groups}: a
//        person (a claim given as null is left out, as Entra ID leaves email_verified), or
//        their new claims (the next sign-in gives them)
//   POST /test-admin/tamper  {mode}: the next ID token is spoilt in this way (MODES), or
//        left out of the token response (mode "without-id-token")
//   GET  /test-admin/counts  how often the JWKS was fetched
// The script makes its own signing key, so that it can sign a spoilt token again with the
// provider's own key: each spoilt token is wrong in one way only.
//
// Settings (environment): CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS and
// POST_LOGOUT_REDIRECT_URIS (separated by spaces), GROUPS_CLAIM (default "groups", given
// in the "groups" scope).

import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const GROUPS_CLAIM = process.env.GROUPS_CLAIM || 'groups';
const words = (name) => (process.env[name] || '').split(' ').filter(Boolean);

function signingKey(kid) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}

function publicPart({ kty, n, e, kid, alg, use }) {
  return { kty, n, e, kid, alg, use };
}

const own = signingKey('own');
const rotated = signingKey('rotated'); // served from the JWKS once a token is signed with it
const foreign = signingKey('foreign'); // never served

const accounts = new Map();
const state = { tamper: null, lastNonce: null, jwksFetches: 0, rotated: false };

// Each changes the claims and signs with the provider's key, or spoils the signature.
const MODES = {
  issuer: (claims) => ({ claims: { ...claims, iss: `${claims.iss}/another` } }),
  // azp names the client, so that only the check of aud itself refuses it
  audience: (claims) => ({ claims: { ...claims, aud: 'another-client', azp: claims.aud } }),
  'replayed-nonce': (claims) => ({ claims: { ...claims, nonce: state.lastNonce } }),
  expired: (claims) => {
    const now = Math.floor(Date.now() / 1000);
    return { claims: { ...claims, iat: now - 900, exp: now - 600 } };
  },
  'unknown-key': (claims) => ({ claims, key: foreign }),
  'wrong-key': (claims) => ({ claims, key: { ...foreign, jwk: { ...foreign.jwk, kid: 'own' } } }),
  altered: (claims) => ({ claims, altered: { ...claims, email: 'someone.else@example.com' } }),
  'without-groups': (claims) => ({ claims: { ...claims, [GROUPS_CLAIM]: undefined } }),
  rotated: (claims) => {
    state.rotated = true;
    return { claims, key: rotated };
  },
};

const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString());

function signed(header, claims, key) {
  const input = `${encode({ ...header, kid: key.jwk.kid })}.${encode(claims)}`;
  const signature = crypto.sign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

function spoilt(idToken, mode) {
  const [header, payload] = idToken.split('.');
  const made = MODES[mode](decode(payload));
  const token = signed(decode(header), made.claims, made.key || own);
  if (!made.altered) return token;
  const [head, , signature] = token.split('.');
  return `${head}.${encode(made.altered)}.${signature}`;
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [{
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: words('REDIRECT_URIS'),
      post_logout_redirect_uris: words('POST_LOGOUT_REDIRECT_URIS'),
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [own.jwk] },
    cookies: { keys: ['a key for the tests only'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified', 'xms_edov'],
      profile: ['name'],
      groups: [GROUPS_CLAIM],
    },
    conformIdTokenClaims: false, // the scopes' claims in the ID token, as most providers do
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          const { email, email_verified: verified, xms_edov: edov, name, groups } =
            accounts.get(sub);
          const given = { sub, email, email_verified: verified, xms_edov: edov, name,
                          [GROUPS_CLAIM]: groups };
          return Object.fromEntries(Object.entries(given).filter(([, v]) => v != null));
        },
      };
    },
  });

  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/jwks' && ctx.status === 200) {
      state.jwksFetches += 1;
      if (state.rotated) ctx.body = { keys: [...ctx.body.keys, publicPart(rotated.jwk)] };
    }
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      const { nonce } = decode(ctx.body.id_token.split('.')[1]);
      if (state.tamper === 'without-id-token') {
        ctx.body = { ...ctx.body, id_token: undefined };
      } else if (state.tamper) {
        ctx.body = { ...ctx.body, id_token: spoilt(ctx.body.id_token, state.tamper) };
      }
      state.tamper = null;
      state.lastNonce = nonce;
    }
  });

  const providerCallback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/test-admin/')) {
      admin(req, res);
    } else {
      providerCallback(req, res);
    }
  });
  process.stdout.write(`${port}\n`);
});

function admin(req, res) {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const answer = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const sent = body ? JSON.parse(body) : {};
    const path = req.url.slice('/test-admin/'.length);
    if (req.method === 'PUT' && path.startsWith('accounts/')) {
      accounts.set(decodeURIComponent(path.slice('accounts/'.length)), sent);
      answer(200, sent);
    } else if (req.method === 'POST' && path === 'tamper'
               && (sent.mode in MODES || sent.mode === 'without-id-token')) {
      state.tamper = sent.mode;
      answer(200, { tamper: sent.mode });
    } else if (req.method === 'GET' && path === 'counts') {
      answer(200, { jwks: state.jwksFetches });
    } else {
      answer(404, { error: `no such test-admin request: ${req.method} ${path}` });
    }
  });
}

// Stop cleanly when the tests end it.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
