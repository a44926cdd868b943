// keyshift claim page. Without this script the page still works: the user pastes the claim code.
(function () {
	'use strict';
	// The link carries the claim code in its fragment, which the browser never sends to a server.
	// Move it into the form (sent in the POST body only) and out of the address bar and history.
	var code = document.getElementById('code');
	if (code && window.location.hash.length > 1) {
		code.value = window.location.hash.substring(1);
		var row = document.getElementById('code-row');
		if (row) {
			row.hidden = true;
		}
		window.history.replaceState(null, '', window.location.pathname);
	}
	// Copy buttons, shown only where the script runs.
	Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
		button.hidden = false;
		button.addEventListener('click', function () {
			var value = document.getElementById(button.getAttribute('data-copy'));
			var done = function () {
				button.textContent = 'Copied';
			};
			var select = function () {
				var range = document.createRange();
				range.selectNodeContents(value);
				var selection = window.getSelection();
				selection.removeAllRanges();
				selection.addRange(range);
				try {
					if (document.execCommand('copy')) {
						done();
					}
				}
				catch (e) {
					// the token stays selected: the user copies it by hand
				}
			};
			if (navigator.clipboard && window.isSecureContext) {
				navigator.clipboard.writeText(value.textContent).then(done, select);
			}
			else {
				select();
			}
		});
	});
}());
