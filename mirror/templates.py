# ruff: noqa: E501 - markup lines are as long as the site writes them
"""HTML and XML templates of the mirror ($name placeholders, string.Template syntax).

The page chrome (header, menus, sidebar, footer, scripts) is what makes a VOV page weigh 40-60 KB; it
carries no article data but many links, so parsers must find the article inside it.
"""

from string import Template

PAGE = Template("""<!DOCTYPE html>
<html lang="vi" dir="ltr" prefix="og: https://ogp.me/ns#">
<head>
$head
$head_assets
</head>
<body class="$body_class">
<a href="#main-content" class="visually-hidden focusable skip-link">Chuyển đến nội dung chính</a>
$svg_sprite
$header
<main role="main" id="main-content" class="main-content">
  <div class="container">
    <div class="row">
      <div class="col-12 col-lg-8 main-col">
$main
      </div>
      <aside class="col-12 col-lg-4 sidebar" role="complementary">
$sidebar
      </aside>
    </div>
  </div>
</main>
$footer
$tail_scripts
</body>
</html>
""")

HEAD_ASSETS = Template("""<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta http-equiv="x-dns-prefetch-control" content="on">
<link rel="dns-prefetch" href="https://media.vov.vn">
<link rel="preconnect" href="https://media.vov.vn" crossorigin>
<link rel="icon" href="/themes/custom/vov/favicon.ico" type="image/vnd.microsoft.icon">
<link rel="apple-touch-icon" sizes="180x180" href="/themes/custom/vov/images/apple-touch-icon.png">
<link rel="manifest" href="/themes/custom/vov/site.webmanifest">
<link rel="stylesheet" media="all" href="/sites/default/files/css/css_Qm7n3Yh1xk9bZ2yV0rS4uT6wPq8.css?delta=0&amp;language=vi&amp;theme=vov&amp;include=eJxtjkEOwjAMBD9U2Q">
<link rel="stylesheet" media="all" href="/sites/default/files/css/css_h8Xw2kLr5Tn0Vb3Ue7Ya9Pc1Zq4.css?delta=1&amp;language=vi&amp;theme=vov&amp;include=eJxtjkEOwjAMBD9U2Q">
<link rel="stylesheet" media="print" href="/themes/custom/vov/css/print.css?t7b2k1">
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-7ZP1V3KQ4M', {'anonymize_ip': true, 'page_type': '$page_type'});
</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-7ZP1V3KQ4M"></script>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script>
  window.googletag = window.googletag || {cmd: []};
  googletag.cmd.push(function() {
    googletag.defineSlot('/21711935/vov_top_banner', [[970, 90], [728, 90]], 'div-gpt-ad-top').addService(googletag.pubads());
    googletag.defineSlot('/21711935/vov_right_1', [[300, 250], [300, 600]], 'div-gpt-ad-right-1').addService(googletag.pubads());
    googletag.defineSlot('/21711935/vov_right_2', [300, 250], 'div-gpt-ad-right-2').addService(googletag.pubads());
    googletag.defineSlot('/21711935/vov_inarticle', [[300, 250], [336, 280]], 'div-gpt-ad-inarticle').addService(googletag.pubads());
    googletag.pubads().enableSingleRequest();
    googletag.pubads().collapseEmptyDivs();
    googletag.pubads().setTargeting('section', '$section');
    googletag.enableServices();
  });
</script>
<script type="application/json" data-drupal-selector="drupal-settings-json">$drupal_settings</script>""")

SVG_SPRITE = """<svg xmlns="http://www.w3.org/2000/svg" style="display:none" aria-hidden="true">
  <symbol id="icon-search" viewBox="0 0 24 24"><path d="M15.5 14h-.79l-.28-.27A6.471 6.471 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14z"/></symbol>
  <symbol id="icon-menu" viewBox="0 0 24 24"><path d="M3 18h18v-2H3v2zm0-5h18v-2H3v2zm0-7v2h18V6H3z"/></symbol>
  <symbol id="icon-close" viewBox="0 0 24 24"><path d="M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z"/></symbol>
  <symbol id="icon-facebook" viewBox="0 0 24 24"><path d="M22 12.06C22 6.5 17.52 2 12 2S2 6.5 2 12.06c0 5.02 3.66 9.18 8.44 9.94v-7.03H7.9v-2.91h2.54V9.85c0-2.52 1.49-3.91 3.78-3.91 1.1 0 2.24.2 2.24.2v2.47h-1.26c-1.24 0-1.63.78-1.63 1.57v1.88h2.78l-.44 2.91h-2.34V22c4.78-.76 8.43-4.92 8.43-9.94z"/></symbol>
  <symbol id="icon-youtube" viewBox="0 0 24 24"><path d="M23.5 6.19a3.02 3.02 0 0 0-2.12-2.14C19.5 3.55 12 3.55 12 3.55s-7.5 0-9.38.5A3.02 3.02 0 0 0 .5 6.19C0 8.07 0 12 0 12s0 3.93.5 5.81a3.02 3.02 0 0 0 2.12 2.14c1.88.5 9.38.5 9.38.5s7.5 0 9.38-.5a3.02 3.02 0 0 0 2.12-2.14C24 15.93 24 12 24 12s0-3.93-.5-5.81zM9.55 15.57V8.43L15.82 12l-6.27 3.57z"/></symbol>
  <symbol id="icon-zalo" viewBox="0 0 48 48"><path d="M12.5 6h23C41.3 6 46 10.7 46 16.5v15C46 37.3 41.3 42 35.5 42h-23C6.7 42 2 37.3 2 31.5v-15C2 10.7 6.7 6 12.5 6zm2.6 11.2v1.9h6.4l-6.6 8.3v1.5h9.3v-1.9h-6.6l6.5-8.3v-1.5h-9zm11.2 3.2c-2.4 0-4.2 1.9-4.2 4.3s1.8 4.3 4.2 4.3c1 0 1.8-.3 2.4-.9v.7h2v-8.2h-2v.7c-.6-.6-1.4-.9-2.4-.9zm.3 1.9c1.3 0 2.2 1 2.2 2.4 0 1.4-.9 2.4-2.2 2.4s-2.3-1-2.3-2.4c0-1.4 1-2.4 2.3-2.4zm5.6-5.1v12.4h2.1V17.2h-2.1zm7.3 3.2c-2.5 0-4.4 1.9-4.4 4.3s1.9 4.3 4.4 4.3 4.4-1.9 4.4-4.3-1.9-4.3-4.4-4.3zm0 1.9c1.3 0 2.3 1 2.3 2.4 0 1.4-1 2.4-2.3 2.4s-2.3-1-2.3-2.4c0-1.4 1-2.4 2.3-2.4z"/></symbol>
  <symbol id="icon-tiktok" viewBox="0 0 24 24"><path d="M19.59 6.69a4.83 4.83 0 0 1-3.77-4.25V2h-3.45v13.67a2.89 2.89 0 0 1-5.2 1.74 2.89 2.89 0 0 1 2.31-4.64c.3 0 .59.04.86.13V9.4a6.84 6.84 0 0 0-1-.05A6.33 6.33 0 0 0 5.8 20.1a6.34 6.34 0 0 0 10.86-4.43V8.81a8.16 8.16 0 0 0 4.77 1.52V6.89a4.85 4.85 0 0 1-1.84-.2z"/></symbol>
  <symbol id="icon-rss" viewBox="0 0 24 24"><path d="M6.18 15.64a2.18 2.18 0 0 1 2.18 2.18C8.36 19 7.38 20 6.18 20 5 20 4 19 4 17.82a2.18 2.18 0 0 1 2.18-2.18M4 4.44A15.56 15.56 0 0 1 19.56 20h-2.83A12.73 12.73 0 0 0 4 7.27V4.44m0 5.66a9.9 9.9 0 0 1 9.9 9.9h-2.83A7.07 7.07 0 0 0 4 12.93V10.1z"/></symbol>
  <symbol id="icon-clock" viewBox="0 0 24 24"><path d="M11.99 2C6.47 2 2 6.48 2 12s4.47 10 9.99 10C17.52 22 22 17.52 22 12S17.52 2 11.99 2zM12 20c-4.42 0-8-3.58-8-8s3.58-8 8-8 8 3.58 8 8-3.58 8-8 8zm.5-13H11v6l5.25 3.15.75-1.23-4.5-2.67z"/></symbol>
  <symbol id="icon-share" viewBox="0 0 24 24"><path d="M18 16.08c-.76 0-1.44.3-1.96.77L8.91 12.7c.05-.23.09-.46.09-.7s-.04-.47-.09-.7l7.05-4.11c.54.5 1.25.81 2.04.81 1.66 0 3-1.34 3-3s-1.34-3-3-3-3 1.34-3 3c0 .24.04.47.09.7L8.04 9.81C7.5 9.31 6.79 9 6 9c-1.66 0-3 1.34-3 3s1.34 3 3 3c.79 0 1.5-.31 2.04-.81l7.12 4.16c-.05.21-.08.43-.08.65 0 1.61 1.31 2.92 2.92 2.92s2.92-1.31 2.92-2.92-1.31-2.92-2.92-2.92z"/></symbol>
  <symbol id="icon-print" viewBox="0 0 24 24"><path d="M19 8H5c-1.66 0-3 1.34-3 3v6h4v4h12v-4h4v-6c0-1.66-1.34-3-3-3zm-3 11H8v-5h8v5zm3-7c-.55 0-1-.45-1-1s.45-1 1-1 1 .45 1 1-.45 1-1 1zm-1-9H6v4h12V3z"/></symbol>
  <symbol id="icon-headphones" viewBox="0 0 24 24"><path d="M12 1a9 9 0 0 0-9 9v7c0 1.66 1.34 3 3 3h3v-8H5v-2c0-3.87 3.13-7 7-7s7 3.13 7 7v2h-4v8h3c1.66 0 3-1.34 3-3v-7a9 9 0 0 0-9-9z"/></symbol>
</svg>"""

HEADER = Template("""<header class="site-header" id="header">
  <div class="header-top d-none d-lg-block">
    <div class="container">
      <div class="row align-items-center">
        <div class="col-lg-3"><a class="site-logo" href="/" title="Báo VOV - VOV.VN" rel="home"><img src="https://vov.vn/themes/custom/vov/images/logo-vov.svg" alt="Báo VOV - VOV.VN" width="180" height="48"></a></div>
        <div class="col-lg-6"><div id="div-gpt-ad-top" class="ads ads-top text-center"></div></div>
        <div class="col-lg-3 text-right header-links">
          <a href="https://vovgiaothong.vn" target="_blank" rel="noopener">VOV Giao thông</a>
          <a href="https://vovworld.vn" target="_blank" rel="noopener">VOVWorld</a>
          <a href="https://vtc.vn" target="_blank" rel="noopener">VTC</a>
          <a href="/rss" class="header-rss"><svg class="icon"><use href="#icon-rss"></use></svg> RSS</a>
        </div>
      </div>
    </div>
  </div>
  <nav class="main-menu navbar navbar-expand-lg sticky-top" aria-label="Menu chính">
    <div class="container">
      <button class="navbar-toggler" type="button" data-toggle="offcanvas" aria-label="Mở menu"><svg class="icon"><use href="#icon-menu"></use></svg></button>
      <ul class="navbar-nav menu--main">
        <li class="nav-item nav-home"><a class="nav-link" href="/" title="Trang chủ">Trang chủ</a></li>
        <li class="nav-item"><a class="nav-link" href="/tin-moi-cap-nhat">Mới nhất</a></li>
$desktop_menu
      </ul>
      <form class="search-form form-inline" action="/search" method="get" role="search">
        <input type="search" name="keyword" class="form-control" placeholder="Tìm kiếm" aria-label="Tìm kiếm">
        <input type="hidden" name="category" value="All"><input type="hidden" name="date" value="week">
        <button class="btn" type="submit" aria-label="Tìm kiếm"><svg class="icon"><use href="#icon-search"></use></svg></button>
      </form>
    </div>
  </nav>
  <div class="offcanvas-menu d-lg-none" id="offcanvas-menu" aria-hidden="true">
    <div class="offcanvas-header"><a href="/" class="offcanvas-logo">VOV.VN</a><button type="button" class="offcanvas-close" aria-label="Đóng"><svg class="icon"><use href="#icon-close"></use></svg></button></div>
    <ul class="offcanvas-nav">
$mobile_menu
    </ul>
    <div class="offcanvas-footer">
      <a href="https://vov.gov.vn" target="_blank" rel="noopener">Đài Tiếng nói Việt Nam</a>
      <a href="https://vovlive.vn" target="_blank" rel="noopener">VOV Live</a>
      <a href="/podcast">Podcast</a>
    </div>
  </div>
  <div class="trending-bar">
    <div class="container"><span class="trending-label">Xu hướng</span>
$trending
    </div>
  </div>
</header>""")

FOOTER = Template("""<footer class="site-footer" id="footer">
  <div class="footer-menu">
    <div class="container">
      <ul class="footer-sections">
$footer_menu
      </ul>
    </div>
  </div>
  <div class="footer-info">
    <div class="container">
      <div class="row">
        <div class="col-md-5 footer-about">
          <a href="/" class="footer-logo"><img src="https://vov.vn/themes/custom/vov/images/logo-vov-white.svg" alt="VOV.VN" width="150" height="40" loading="lazy"></a>
          <p class="footer-owner">Cơ quan chủ quản: Đài Tiếng nói Việt Nam</p>
          <p class="footer-license">Giấy phép số 74/GP-BTTTT cấp ngày 27/02/2020 của Bộ Thông tin và Truyền thông.</p>
          <p class="footer-editor">Tổng Biên tập: Nguyễn Thị Thanh Thủy.</p>
        </div>
        <div class="col-md-4 footer-contact">
          <p class="footer-address">Tòa soạn: Số 45 Bà Triệu, phường Hoàn Kiếm, Hà Nội.</p>
          <p class="footer-phone">Điện thoại: 024.39344231 - Fax: 024.39344230.</p>
          <p class="footer-email">Email: <a href="mailto:baodientu@vov.vn">baodientu@vov.vn</a></p>
          <p class="footer-ads">Liên hệ quảng cáo: <a href="mailto:quangcao@vov.vn">quangcao@vov.vn</a> - Hotline: 0988.181.818</p>
        </div>
        <div class="col-md-3 footer-social">
          <p class="footer-follow-label">Theo dõi VOV.VN</p>
          <a href="https://www.facebook.com/VOV.vn" target="_blank" rel="noopener" aria-label="Facebook"><svg class="icon"><use href="#icon-facebook"></use></svg></a>
          <a href="https://www.youtube.com/@baovovvn" target="_blank" rel="noopener" aria-label="YouTube"><svg class="icon"><use href="#icon-youtube"></use></svg></a>
          <a href="https://zalo.me/2214385342823093522" target="_blank" rel="noopener" aria-label="Zalo"><svg class="icon"><use href="#icon-zalo"></use></svg></a>
          <a href="https://www.tiktok.com/@vov.vn" target="_blank" rel="noopener" aria-label="TikTok"><svg class="icon"><use href="#icon-tiktok"></use></svg></a>
          <a href="/rss" aria-label="RSS"><svg class="icon"><use href="#icon-rss"></use></svg></a>
          <div class="footer-apps">
            <a href="https://apps.apple.com/vn/app/vov-vn/id1441498163" target="_blank" rel="noopener"><img src="https://vov.vn/themes/custom/vov/images/app-store.png" alt="App Store" width="120" height="36" loading="lazy"></a>
            <a href="https://play.google.com/store/apps/details?id=vn.vov.news" target="_blank" rel="noopener"><img src="https://vov.vn/themes/custom/vov/images/google-play.png" alt="Google Play" width="120" height="36" loading="lazy"></a>
          </div>
        </div>
      </div>
      <p class="footer-copyright">© Bản quyền thuộc về Báo điện tử VOV. Cấm sao chép dưới mọi hình thức nếu không có sự chấp thuận bằng văn bản.</p>
    </div>
  </div>
  <a href="#header" class="back-to-top" aria-label="Lên đầu trang">↑</a>
</footer>""")

TAIL_SCRIPTS = Template("""<script src="/core/assets/vendor/jquery/jquery.min.js?v=3.7.1"></script>
<script src="/core/misc/drupalSettingsLoader.js?v=10.3.6"></script>
<script src="/core/misc/drupal.js?v=10.3.6"></script>
<script src="/themes/custom/vov/js/bootstrap.bundle.min.js?t7b2k1"></script>
<script src="/themes/custom/vov/js/swiper-bundle.min.js?t7b2k1"></script>
<script src="/themes/custom/vov/js/main.js?t7b2k1"></script>
<script>
  (function (Drupal, once) {
    Drupal.behaviors.vovOffcanvas = {
      attach: function (context) {
        once('offcanvas', '[data-toggle="offcanvas"]', context).forEach(function (el) {
          el.addEventListener('click', function () {
            document.getElementById('offcanvas-menu').classList.toggle('open');
          });
        });
      }
    };
    Drupal.behaviors.vovViewCounter = {
      attach: function () {
        var nid = '$nid';
        if (!nid) { return; }
        var xhr = new XMLHttpRequest();
        xhr.open('POST', 'https://vov-api.vov.vn/api/vovvn/statistics/view?nid=' + nid, true);
        xhr.send();
      }
    };
  })(Drupal, once);
</script>
<script>
  !function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
  n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
  n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
  t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
  document,'script','https://connect.facebook.net/en_US/fbevents.js');
  fbq('init', '418593912315204');
  fbq('track', 'PageView');
</script>""")

SHARE_BUTTONS = Template("""<div class="article-share">
            <a href="https://www.facebook.com/sharer/sharer.php?u=$url" class="share-facebook" target="_blank" rel="noopener" aria-label="Chia sẻ Facebook"><svg class="icon"><use href="#icon-facebook"></use></svg></a>
            <a href="https://sp.zalo.me/share_inline?d=$url" class="share-zalo" target="_blank" rel="noopener" aria-label="Chia sẻ Zalo"><svg class="icon"><use href="#icon-zalo"></use></svg></a>
            <a href="javascript:window.print();" class="share-print" aria-label="In bài viết"><svg class="icon"><use href="#icon-print"></use></svg></a>
            <button type="button" class="share-copy" data-url="$url" aria-label="Sao chép liên kết"><svg class="icon"><use href="#icon-share"></use></svg></button>
          </div>""")

AD_SCRIPT = "googletag.cmd.push(function() { googletag.display('div-gpt-ad-inarticle'); });"

COMMENTS = """<div class="article-comments" id="comments">
  <h3 class="comments-title">Bình luận</h3>
  <form class="comment-form" action="https://vov-api.vov.vn/api/vovvn/comment" method="post">
    <textarea name="content" class="form-control" rows="3" placeholder="Ý kiến của bạn"></textarea>
    <input type="text" name="name" class="form-control" placeholder="Họ và tên">
    <input type="email" name="email" class="form-control" placeholder="Email">
    <button type="submit" class="btn btn-primary">Gửi bình luận</button>
  </form>
  <p class="comments-note">Bình luận của bạn sẽ được biên tập trước khi đăng.</p>
</div>"""

FOLLOW_ICONS = """<a href="https://www.facebook.com/VOV.vn" target="_blank" rel="noopener"><img src="https://vov.vn/themes/custom/vov/images/follow-facebook.png" alt="Facebook" width="28" height="28"></a>
<a href="https://zalo.me/2214385342823093522" target="_blank" rel="noopener"><img src="https://vov.vn/themes/custom/vov/images/follow-zalo.png" alt="Zalo" width="28" height="28"></a>
<a href="https://www.youtube.com/@baovovvn" target="_blank" rel="noopener"><img src="https://vov.vn/themes/custom/vov/images/follow-youtube.png" alt="YouTube" width="28" height="28"></a>
<a href="https://news.google.com/publications/CAAqBwgKMJ6Hmwsw4oGzAw" target="_blank" rel="noopener"><img src="https://vov.vn/themes/custom/vov/images/follow-google-news.png" alt="Google News" width="28" height="28"></a>"""

# ----------------------------------------------------------------------------------------------- XML

RSS = Template("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>$title</title>
    <link>https://vov.vn/</link>
    <description>$description</description>
    <language>vi</language>
    <copyright>Báo điện tử VOV</copyright>
    <lastBuildDate>$build_date</lastBuildDate>
    <atom:link href="https://vov.vn$path" rel="self" type="application/rss+xml"/>
    <image>
      <url>https://vov.vn/themes/custom/vov/images/logo-vov.png</url>
      <title>$title</title>
      <link>https://vov.vn/</link>
    </image>
$items
  </channel>
</rss>
""")

RSS_ITEM = Template("""    <item>
      <title>$title</title>
      <link>$url</link>
      <guid isPermaLink="true">$url</guid>
      <description>$description</description>
      <pubDate>$pub_date</pubDate>
    </item>""")

SITEMAP_INDEX = Template("""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
$entries</sitemapindex>
""")

URLSET = Template("""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
$entries
</urlset>
""")

ROBOTS = """User-agent: *
Allow: /
Disallow: /search

Sitemap: https://vov.vn/sitemap.xml
"""

# ------------------------------------------------------------------------------ server-only pages

# The interstitial's second step ($url: a JSON string literal). Small, as the crawlers report (< 5 KB).
INTERSTITIAL = Template("""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<title>VOV.VN</title>
</head>
<body>
<noscript>Vui lòng bật JavaScript để tiếp tục truy cập VOV.VN.</noscript>
<script type="text/javascript">window.location.href=$url;</script>
</body>
</html>
""")

# A Cloudflare block page ($ray: the request's Ray ID).
BLOCK_PAGE = Template("""<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>Attention Required! | Cloudflare</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta http-equiv="X-UA-Compatible" content="IE=Edge" />
<meta name="robots" content="noindex, nofollow" />
<meta name="viewport" content="width=device-width,initial-scale=1" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/cf.errors.css" />
</head>
<body>
  <div id="cf-wrapper">
    <div class="cf-alert cf-alert-error cf-cookie-error" id="cookie-alert" data-translate="enable_cookies">Please enable cookies.</div>
    <div id="cf-error-details" class="cf-error-details-wrapper">
      <div class="cf-wrapper cf-header cf-error-overview">
        <h1 data-translate="block_headline">Sorry, you have been blocked</h1>
        <h2 class="cf-subheadline"><span data-translate="unable_to_access">You are unable to access</span> vov.vn</h2>
      </div>
      <div class="cf-section cf-wrapper">
        <div class="cf-columns two">
          <div class="cf-column">
            <h2 data-translate="blocked_why_headline">Why have I been blocked?</h2>
            <p data-translate="blocked_why_detail">This website is using a security service to protect itself from online attacks. The action you just performed triggered the security solution. There are several actions that could trigger this block including submitting a certain word or phrase, a SQL command or malformed data.</p>
          </div>
          <div class="cf-column">
            <h2 data-translate="blocked_resolve_headline">What can I do to resolve this?</h2>
            <p data-translate="blocked_resolve_detail">You can email the site owner to let them know you were blocked. Please include what you were doing when this page came up and the Cloudflare Ray ID found at the bottom of this page.</p>
          </div>
        </div>
      </div>
      <div class="cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300">
        <p class="text-13">
          <span class="cf-footer-item sm:block sm:mb-1">Cloudflare Ray ID: <strong class="font-semibold">$ray</strong></span>
          <span class="cf-footer-separator sm:hidden">&bull;</span>
          <span class="cf-footer-item sm:block sm:mb-1">Performance &amp; security by <a rel="noopener noreferrer" href="https://www.cloudflare.com/5xx-error-landing" target="_blank">Cloudflare</a></span>
        </p>
      </div>
    </div>
  </div>
</body>
</html>
""")

# Plain error pages of the origin ($status, $reason).
ERROR_PAGE = Template("""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>$status $reason | VOV.VN</title></head>
<body><h1>$reason</h1><p>The website encountered an unexpected error. Please try again later.</p></body></html>
""")
